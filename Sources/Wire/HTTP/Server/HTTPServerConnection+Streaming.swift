/// Streamed bodies (``HTTPBodyStream``): the head goes out with `Transfer-Encoding: chunked`, then a task on the
/// connection's loop writes each piece as the producer makes it, asking for the next only once the connection
/// has drained below its high-water mark. `slots[0]` stays in line (and `streaming` set) until the end, so
/// pipelined responses wait and the idle clock does not run.
extension HTTPServerConnection {
    /// Writes `response`'s head for `slots[0]` and starts streaming its body.
    func startStream(_ stream: HTTPBodyStream, of response: HTTPResponse) {
        if self.slots[0].http10 {
            // HTTP/1.0 has no chunked encoding: the close delimits the body.
            self.slots[0].closeAfter = true
            self.slots[0].connectionField = .close
            self.stopReading = true
        }
        let slot = self.slots[0]
        self.streaming = true
        let dateField = self.loopState.dateCache.dateField()
        self.connection.write { buffer in
            HTTPResponseEncoder.encode(
                response, headRequest: false, connection: slot.connectionField, dateField: dateField,
                http10: slot.http10, into: &buffer)
        }
        let chunked = !slot.http10
        Task(executorPreference: self.connection.eventLoop) { [self] in
            var complete = true
            do {
                while let piece = try await stream.next() {
                    guard !piece.isEmpty else { continue }
                    guard await self.onLoop({ self.writePiece(piece, chunked: chunked) }) else { return }
                    await self.untilWritable()
                }
            } catch {
                complete = false
            }
            let ended = complete
            await self.onLoop { self.endStream(complete: ended, chunked: chunked) }
        }
    }

    /// Buffers one piece (with its chunk framing); false once the connection closed.
    private func writePiece(_ piece: [UInt8], chunked: Bool) -> Bool {
        guard !self.isClosed, self.streaming else { return false }
        self.connection.write { buffer in
            if chunked {
                buffer.append(contentsOf: String(piece.count, radix: 16).utf8)
                buffer.append(contentsOf: "\r\n".utf8)
            }
            buffer.append(contentsOf: piece)
            if chunked { buffer.append(contentsOf: "\r\n".utf8) }
        }
        return true
    }

    /// Returns once the connection is writable again (or closed). A reader that takes nothing for
    /// ``HTTPBodyStream/stallTimeout`` is cut off.
    private func untilWritable() async {
        let loop = self.connection.eventLoop
        await withCheckedContinuation { (waiter: CheckedContinuation<Void, Never>) in
            let park: @Sendable () -> Void = { [self] in
                if self.isClosed || self.connection.isWritable {
                    waiter.resume()
                    return
                }
                self.writableWaiter = waiter
                let stall = loop.scheduleOnLoop(after: HTTPBodyStream.stallTimeout) { [self] in
                    if self.writableWaiter != nil { self.connection.abort() }  // resumes the waiter
                }
                self.streamStallTimer?.cancel()
                self.streamStallTimer = stall
            }
            if loop.inEventLoop { park() } else { loop.execute(park) }
        }
        await self.onLoop {
            self.streamStallTimer?.cancel()
            self.streamStallTimer = nil
        }
    }

    /// The producer ended: the last chunk and the next responses, or, when it failed, the connection cut so
    /// the client cannot take a truncated body for a whole one.
    private func endStream(complete: Bool, chunked: Bool) {
        guard !self.isClosed, self.streaming else { return }
        self.streaming = false
        guard complete else {
            self.connection.abort()
            return
        }
        if chunked { self.connection.write(Self.lastChunk) }
        let slot = self.slots.removeFirst()
        self.firstSlotID &+= 1
        if slot.closeAfter {
            self.closeConnection()
            return
        }
        self.writeReadyResponses()
        self.processInput(now: Posix.monotonicNanoseconds())
    }

    /// Runs `body` on the connection's loop (at once when already there).
    private func onLoop<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        let loop = self.connection.eventLoop
        if loop.inEventLoop { return body() }
        return await withCheckedContinuation { continuation in
            loop.execute { continuation.resume(returning: body()) }
        }
    }

    /// The chunk that ends a chunked body (no trailers).
    static let lastChunk: [UInt8] = Array("0\r\n\r\n".utf8)
}
