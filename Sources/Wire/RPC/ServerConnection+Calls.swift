extension ServerConnection {
    /// A REQUEST: admission (state machine), method, caller, deadline, body; then the handler as a task on
    /// this loop.
    func requestReceived(callID: UInt32, _ request: Frame.Request) {
        switch self.state.requestReceived(callID: callID) {
        case .connectionError(let goAway):
            self.closeWithGoAway(goAway)
            return
        case .refuse(let code, let message):
            self.appendError(callID: callID, WireError(code, message))
            return
        case .accept:
            break
        }
        guard let entry = self.shared.methods.entry(for: request.method) else {
            self.appendError(callID: callID, WireError(.unimplemented, "unknown method"))
            return
        }
        guard entry.allowedCallers.allows(self.caller) else {
            self.appendError(callID: callID, WireError(.permissionDenied, "this caller may not use this method"))
            return
        }
        var context = request.context
        context.callerService = self.caller
        if let deadline = context.deadline {
            let now = ContinuousClock.now
            guard deadline > now else {
                self.appendError(callID: callID, WireError(.deadlineExceeded, "the deadline passed before the call started"))
                return
            }
            var remaining = deadline - now
            if remaining > self.shared.configuration.maxDeadline {
                remaining = self.shared.configuration.maxDeadline
                context.deadline = now + remaining
            }
        }
        let deadline = context.deadline
        let invocation: ServerMethodTable.Invocation
        do {
            switch try entry.prepare(request.body, context) {
            case .run(let run):
                invocation = run
            case .answered(let result):
                // Answered on the loop (an inline handler, a cache hit): no task, no timer, no table entry.
                self.state.callStarted()
                self.answer(callID: callID, method: request.method, result)
                if self.state.callEnded() { self.connection.close() }
                return
            }
        } catch {
            self.appendError(
                callID: callID,
                WireError(.invalidArgument, "the request body does not decode", details: ["reason": error.description]))
            return
        }
        self.state.callStarted()
        // Registered before the handler starts: a handler that never suspends answers inside `Task.immediate`.
        self.calls[callID] = ActiveCall()
        let method = request.method
        let loop = self.loop
        // Runs on this thread, now, up to the handler's first suspension (then on, on the loop): a handler
        // that answers without suspending (a cache hit) is answered in this tick with no job queued and no
        // deadline timer armed.
        let task = Task.immediate(executorPreference: loop) { [self] in
            let result: Result<ServerMethodTable.Reply, any Error>
            do {
                result = .success(try await invocation(context))
            } catch {
                result = .failure(error)
            }
            if loop.inEventLoop {
                self.callReturned(callID: callID, method: method, result)
            } else {
                loop.execute { self.callReturned(callID: callID, method: method, result) }
            }
        }
        guard self.calls[callID] != nil else { return }  // answered already
        self.calls[callID]?.task = task
        if let deadline {
            let remaining = deadline - ContinuousClock.now  // the handler's synchronous part took some of it
            self.calls[callID]?.deadlineTimer = self.loop.scheduleOnLoop(after: max(remaining, .zero)) { [self] in
                self.deadlinePassed(callID: callID)
            }
        }
    }

    /// CANCEL: stop the handler, send nothing more for the call (its slot stays until the handler returns).
    func cancelReceived(callID: UInt32) {
        guard var call = self.calls[callID], !call.answered else { return }
        call.answered = true
        call.deadlineTimer?.cancel()
        call.deadlineTimer = nil
        call.task?.cancel()
        self.calls[callID] = call
    }

    /// The call's deadline passed while its handler runs: answer `deadlineExceeded` and cancel the handler.
    private func deadlinePassed(callID: UInt32) {
        guard var call = self.calls[callID], !call.answered, self.state.phase != .closed else { return }
        call.answered = true
        call.deadlineTimer = nil
        call.task?.cancel()
        self.calls[callID] = call
        self.appendError(callID: callID, WireError(.deadlineExceeded, "the deadline passed"))
        self.flushEncoder()
    }

    /// The handler returned (on this loop): answer unless the call was already answered or cancelled.
    private func callReturned(callID: UInt32, method: String, _ result: Result<ServerMethodTable.Reply, any Error>) {
        guard let call = self.calls.removeValue(forKey: callID) else { return }
        call.deadlineTimer?.cancel()
        if !call.answered {
            self.answer(callID: callID, method: method, result)
            self.flushEncoder()
        }
        if self.state.callEnded() {
            self.connection.close()
        }
    }

    /// Appends the RESPONSE or ERROR for a handler's result (flushed by the caller, or at the end of the read).
    private func answer(callID: UInt32, method: String, _ result: Result<ServerMethodTable.Reply, any Error>) {
        switch result {
        case .success(.value(let response)):
            self.appendResponse(callID: callID, method: method, response)
        case .success(.encoded(let body)):
            self.appendEncodedResponse(callID: callID, body: body)
        case .failure(let error as WireError):
            self.appendError(callID: callID, error)
        case .failure(let error as any WireErrorConvertible):
            let wire = error.wireError
            // An error that is not the caller's fault (a database outage, a bug) still reaches the log.
            if [.internal, .unavailable, .unknown, .dataLoss].contains(wire.code) {
                self.shared.configuration.onHandlerError?(method, error)
            }
            self.appendError(callID: callID, wire)
        case .failure(let error):
            self.shared.configuration.onHandlerError?(method, error)
            self.appendError(callID: callID, WireError(.internal, "internal error"))
        }
    }

    private func appendResponse<Response: Encodable>(callID: UInt32, method: String, _ response: Response) {
        do {
            try self.encoder.appendResponse(callID: callID, encoding: response)
        } catch let error as FrameError where error.code == .frameTooLarge {
            self.appendError(callID: callID, WireError(.resourceExhausted, "the response is larger than the client accepts"))
        } catch {
            self.shared.configuration.onHandlerError?(method, error)
            self.appendError(callID: callID, WireError(.internal, "internal error"))
        }
    }

    private func appendEncodedResponse(callID: UInt32, body: [UInt8]) {
        do {
            try self.encoder.appendResponse(callID: callID, body: body)
        } catch {
            // Only `frameTooLarge` can happen with bytes already encoded.
            self.appendError(callID: callID, WireError(.resourceExhausted, "the response is larger than the client accepts"))
        }
    }

    /// Appends an ERROR frame (flushed by the caller, or at the end of the current read).
    func appendError(callID: UInt32, _ wireError: WireError) {
        do {
            try self.encoder.appendError(callID: callID, wireError)
        } catch {
            // Details too large for the client's frame limit, or not encodable: send the code alone.
            try? self.encoder.appendError(callID: callID, WireError(wireError.code, ""))
        }
    }
}
