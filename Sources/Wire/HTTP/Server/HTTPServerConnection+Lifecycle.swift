/// Writing responses in order, the clocks, draining and closing.
extension HTTPServerConnection {
    /// Writes every response at the front of the line that is ready; closes after one marked `closeAfter`.
    func writeReadyResponses() {
        while !self.isClosed, !self.streaming, let first = self.slots.first, let response = first.response {
            if let stream = response.bodyStream, !first.headRequest, !response.status.forbidsBody {
                self.startStream(stream, of: response)
                return
            }
            self.slots.removeFirst()
            self.firstSlotID &+= 1
            let dateField = self.loopState.dateCache.dateField()
            self.connection.write { buffer in
                HTTPResponseEncoder.encode(
                    response, headRequest: first.headRequest, connection: first.connectionField,
                    dateField: dateField, into: &buffer)
            }
            if first.closeAfter {
                self.closeConnection()
                return
            }
        }
        self.sendContinueIfDue()
    }

    /// Sends `100 Continue` once the request that asked for it is first in line (and still incomplete).
    func sendContinueIfDue() {
        guard self.continueOwed, self.slots.isEmpty, !self.stopReading, !self.isClosed,
            self.parser.hasPartialRequest
        else { return }
        self.continueOwed = false
        self.connection.write(HTTPResponseEncoder.continueResponse)
    }

    /// Marks the last pending response as the connection's last (`Connection: close`).
    func closeAfterLastResponse() {
        guard !self.slots.isEmpty else { return }
        self.slots[self.slots.count - 1].closeAfter = true
        self.slots[self.slots.count - 1].connectionField = .close
    }

    /// Shutdown: close now if idle, else after the responses already pending (or, if a request is being
    /// received, after its response).
    func drain() {
        guard !self.isClosed, !self.draining else { return }
        self.draining = true
        if self.slots.isEmpty {
            if !self.parser.hasPartialRequest || self.stopReading { self.closeConnection() }
        } else {
            self.stopReading = true
            self.closeAfterLastResponse()
        }
    }

    /// Closes after flushing what was written; nothing more is read.
    func closeConnection() {
        self.stopReading = true
        self.timer?.cancel()
        self.timer = nil
        self.timerDeadline = nil
        self.connection.close()
    }

    // MARK: clocks

    /// Updates the idle clock and makes sure a timer is armed for the earliest deadline.
    func refreshClocks(now: UInt64) {
        guard !self.isClosed, !self.stopReading || !self.slots.isEmpty else { return }
        let idle = self.slots.isEmpty && !self.parser.hasPartialRequest
        self.deadlines.idleChanged(idle, at: now)
        self.armTimer(now: now)
    }

    /// Arms the timer for the next deadline unless one at or before it is already armed (it then re-arms
    /// itself when it fires), so steady traffic does not touch the timer heap.
    private func armTimer(now: UInt64) {
        guard let next = self.deadlines.nextDeadline else { return }
        if let armed = self.timerDeadline, armed <= next { return }
        self.timer?.cancel()
        self.timerDeadline = next
        let delay = next > now ? next - now : 0
        self.timer = self.connection.eventLoop.scheduleOnLoop(after: .nanoseconds(Int64(delay))) { [self] in
            self.timerFired()
        }
    }

    private func timerFired() {
        self.timer = nil
        self.timerDeadline = nil
        guard !self.isClosed else { return }
        let now = Posix.monotonicNanoseconds()
        switch self.deadlines.expiry(at: now) {
        case .none:
            break
        case .request:
            let paused = self.slots.count >= self.core.configuration.maxPipelinedRequests || !self.connection.isWritable
            if self.stopReading {
                self.deadlines.requestEnded()  // it will never be read
            } else if paused {
                self.deadlines.requestRestarted(at: now)  // we, not the client, are holding it up
            } else {
                self.parserTimedOut()
                return
            }
        case .idle:
            self.closeConnection()
            return
        }
        self.refreshClocks(now: now)
    }

    /// 408 for the request still being received, after the responses already pending; then close.
    private func parserTimedOut() {
        let response = HTTPResponse.error(
            status: .requestTimeout, code: "REQUEST_TIMEOUT", message: "request not received in time",
            requestID: Self.makeRequestID())
        self.stopReading = true
        self.continueOwed = false
        self.deadlines.requestEnded()
        self.slots.append(Slot(response: response, headRequest: false, connectionField: .close, closeAfter: true))
        self.writeReadyResponses()
    }
}
