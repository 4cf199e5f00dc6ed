#if canImport(Glibc)
import Glibc
#endif
internal import COpenSSL

extension Connection {
    /// Full-buffer reads per readiness event before yielding to other connections (then reading resumes
    /// in the same tick's queued work).
    private static let readsPerEvent = 16

    /// Epoll readiness for this socket.
    func ioReady(_ events: UInt32) {
        if events & EPOLLOUT.rawValue != 0, self.waitingForWritable {
            self.waitingForWritable = false
            self.flushNow()
        }
        guard self.state != .closed else { return }
        let endOfStream = EPOLLRDHUP.rawValue | EPOLLHUP.rawValue | EPOLLERR.rawValue
        if events & (EPOLLIN.rawValue | endOfStream) != 0 {
            if !self.inputClosed {
                self.readAvailable(untilWouldBlock: events & endOfStream != 0)
            } else if events & (EPOLLHUP.rawValue | EPOLLERR.rawValue) != 0 {
                // Both directions are down; whatever is still buffered can't be delivered.
                let code = (try? Posix.pendingError(self.fd)) ?? 0
                let undeliverable = self.outbound.count - self.outboundOffset + self.plaintext.count > 0
                let error = code != 0 ? SocketError(errno: code, syscall: "send")
                    : undeliverable ? SocketError(errno: EPIPE, syscall: "send") : nil
                self.finishClose(error: error)
            }
        }
    }

    /// Reads until the socket is drained. A read shorter than the buffer means drained (epoll(7): "the
    /// condition that the read/write I/O space is exhausted can also be detected by checking the amount of
    /// data read"), unless the event also reported end of stream or an error: then read until `EAGAIN` or EOF.
    private func readAvailable(untilWouldBlock: Bool) {
        let buffer = self.eventLoop.readBuffer
        var reads = 0
        while self.state != .closed && !self.inputClosed {
            let count: Int?
            do {
                count = try Posix.recv(self.fd, buffer)
            } catch {
                self.finishClose(error: error)
                return
            }
            guard let count else { return }
            if count == 0 {
                self.endOfInput()
                return
            }
            self.noteActivity()
            self.received(UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
            if count < buffer.count && !untilWouldBlock { return }
            reads += 1
            if reads == Self.readsPerEvent {
                if !self.readContinuationQueued {
                    self.readContinuationQueued = true
                    self.eventLoop.executeOnLoop { [self] in
                        self.readContinuationQueued = false
                        self.readAvailable(untilWouldBlock: untilWouldBlock)
                    }
                }
                return
            }
        }
    }

    /// Bytes from the socket: to the handler, or through TLS first.
    private func received(_ bytes: UnsafeRawBufferPointer) {
        switch self.state {
        case .active:
            if self.tls != nil {
                self.receivedCiphertext(bytes)
            } else {
                self.handler?.connection(self, received: bytes)
            }
        case .handshaking:
            self.receivedCiphertext(bytes)
        case .idle, .closing, .closed:
            break  // closing: the handler asked to close, later input is discarded
        }
    }

    /// The peer closed its side (EOF, or TLS close_notify).
    func endOfInput() {
        guard !self.inputClosed, self.state != .closed else { return }
        self.inputClosed = true
        switch self.state {
        case .active:
            if let handler = self.handler {
                handler.connectionInputClosed(self)
            } else {
                self.close()
            }
        case .closing:
            break  // already on its way out
        case .idle, .handshaking, .closed:
            self.finishClose(error: nil)
        }
    }

    // MARK: writing

    /// Buffers `bytes` to send at the end of this loop tick (or at ``flush()``). Dropped once closing.
    public func write(_ bytes: UnsafeRawBufferPointer) {
        assert(self.eventLoop.inEventLoop)
        guard self.state == .active || self.state == .handshaking, !bytes.isEmpty else { return }
        let typed = UnsafeBufferPointer(
            start: bytes.baseAddress!.assumingMemoryBound(to: UInt8.self), count: bytes.count)
        if self.tls != nil {
            self.plaintext.append(contentsOf: typed)
        } else {
            self.compactOutbound()
            self.outbound.append(contentsOf: typed)
        }
        self.wrote()
    }

    /// Buffers `bytes` to send at the end of this loop tick (or at ``flush()``).
    public func write(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { self.write($0) }
    }

    /// Lets an encoder append straight into the outbound buffer (no intermediate array); sent at the end of
    /// the tick like ``write(_:)``. `body` must only append. Skipped once the connection is closing.
    ///
    /// ```swift
    /// connection.write { buffer in encoder.encode(frame, into: &buffer) }
    /// ```
    public func write<E: Error>(appending body: (inout [UInt8]) throws(E) -> Void) throws(E) {
        assert(self.eventLoop.inEventLoop)
        guard self.state == .active || self.state == .handshaking else { return }
        let before: Int
        if self.tls != nil {
            before = self.plaintext.count
            try body(&self.plaintext)
            precondition(self.plaintext.count >= before, "Connection.write(appending:) must only append")
            if self.plaintext.count == before { return }
        } else {
            self.compactOutbound()
            before = self.outbound.count
            try body(&self.outbound)
            precondition(self.outbound.count >= before, "Connection.write(appending:) must only append")
            if self.outbound.count == before { return }
        }
        self.wrote()
    }

    /// After bytes were buffered: back-pressure check, and a flush at the end of the tick.
    private func wrote() {
        if self.isWritable && self.pendingByteCount > self.options.highWaterMark {
            self.isWritable = false
            self.queueWritabilityReport()
        }
        self.queueFlush()
    }

    /// Sends what is buffered now instead of at the end of the tick.
    public func flush() {
        assert(self.eventLoop.inEventLoop)
        self.flushNow()
    }

    /// Bytes buffered and not yet taken by the kernel (plaintext not yet encrypted included).
    public var pendingByteCount: Int {
        self.outbound.count - self.outboundOffset + self.plaintext.count
    }

    /// Puts the connection on the loop's end-of-tick flush list (once per tick).
    func queueFlush() {
        guard !self.queuedForFlush else { return }
        self.queuedForFlush = true
        self.eventLoop.pendingFlushes.append(self)
    }

    /// Called by the loop at the end of the tick in which this connection wrote.
    func flushAtEndOfTick() {
        self.queuedForFlush = false
        self.flushNow()
    }

    func flushNow() {
        guard self.state != .closed, self.state != .idle else { return }
        if let tls = self.tls {
            if self.state != .handshaking, !self.plaintext.isEmpty {
                do {
                    try self.plaintext.withUnsafeBytes { try tls.writePlaintext($0) }
                } catch {
                    self.finishClose(error: error)
                    return
                }
                Self.reset(&self.plaintext)
            }
            // close() defers close_notify to here, after the plaintext written before it.
            if self.state == .closing { tls.shutdown() }
            if tls.hasPendingCiphertext {
                self.compactOutbound()
                tls.takeCiphertext(into: &self.outbound)
            }
        }
        // While EPOLLOUT is armed the kernel buffer is full: the writable event sends the rest.
        if !self.waitingForWritable { self.writeOutbound() }
    }

    /// Sends from `outbound` until it is empty or the kernel buffer is full (then arms `EPOLLOUT`).
    func writeOutbound() {
        while self.outboundOffset < self.outbound.count {
            let sent: Int?
            do {
                sent = try self.outbound.withUnsafeBytes { raw throws(SocketError) in
                    try Posix.send(self.fd, UnsafeRawBufferPointer(rebasing: raw[self.outboundOffset...]))
                }
            } catch {
                self.finishClose(error: error)
                return
            }
            guard let sent else { break }
            self.outboundOffset += sent
            // A short send means the kernel buffer is full; don't spend a syscall to hear EAGAIN.
            if self.outboundOffset < self.outbound.count && sent > 0 { break }
        }
        if self.outboundOffset < self.outbound.count {
            self.setWaitingForWritable(true)
        } else {
            self.outboundOffset = 0
            Self.reset(&self.outbound)
            self.setWaitingForWritable(false)
            if self.state == .closing {
                self.finishClose(error: nil)
                return
            }
        }
        self.noteActivity()
        if !self.isWritable && self.pendingByteCount <= self.options.lowWaterMark {
            self.isWritable = true
            self.queueWritabilityReport()
        }
    }

    /// Arms or disarms `EPOLLOUT` (one `epoll_ctl`, only when the interest actually changes).
    private func setWaitingForWritable(_ waiting: Bool) {
        self.waitingForWritable = waiting
        guard let registration = self.registration else { return }
        var events = EPOLLIN.rawValue | EPOLLRDHUP.rawValue | EPOLLET.rawValue
        if waiting { events |= EPOLLOUT.rawValue }
        do {
            try self.eventLoop.reregister(registration, events: events)
        } catch {
            self.finishClose(error: error)
        }
    }

    /// Drops already-sent bytes from the front of `outbound` once they are most of it.
    private func compactOutbound() {
        if self.outboundOffset > 0 && self.outboundOffset >= self.outbound.count / 2 {
            self.outbound.removeFirst(self.outboundOffset)
            self.outboundOffset = 0
        }
    }

    /// Empties a buffer, keeping its storage unless it grew past 1 MiB (one huge write must not pin memory).
    private static func reset(_ buffer: inout [UInt8]) {
        if buffer.capacity > 1 << 20 {
            buffer = []
        } else {
            buffer.removeAll(keepingCapacity: true)
        }
    }

    /// Tells the handler about writability later in this tick, never from inside its own `write` call; if
    /// the state flips back before then, the handler hears nothing.
    private func queueWritabilityReport() {
        guard !self.writabilityReportQueued else { return }
        self.writabilityReportQueued = true
        self.eventLoop.executeOnLoop { [self] in
            self.writabilityReportQueued = false
            guard self.state != .closed, self.reportedWritable != self.isWritable else { return }
            self.reportedWritable = self.isWritable
            self.handler?.connectionWritabilityChanged(self, writable: self.isWritable)
        }
    }
}
