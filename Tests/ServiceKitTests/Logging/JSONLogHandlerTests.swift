import Foundation
import Testing
@testable import ServiceKit

@Suite("JSONLogHandler")
struct JSONLogHandlerTests {
    @Test("lines written from many threads never interleave")
    func concurrentLines() async throws {
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        let (readEnd, writeEnd) = (fds[0], fds[1])
        let reader = Task.detached { () -> Data in
            let handle = FileHandle(fileDescriptor: readEnd, closeOnDealloc: true)
            return handle.readDataToEndOfFile()
        }
        let logger = Logger(handler: JSONLogHandler(service: "test", fileDescriptor: writeEnd), level: .info)
        let padding = String(repeating: "x", count: 300)
        DispatchQueue.concurrentPerform(iterations: 8) { thread in
            for index in 0..<200 {
                logger.info("line", metadata: [LogKey("thread"): .int(thread), LogKey("index"): .int(index), LogKey("pad"): .string(padding)])
            }
        }
        close(writeEnd)
        let lines = String(decoding: await reader.value, as: UTF8.self).split(separator: "\n")
        #expect(lines.count == 1600)
        for line in lines {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            #expect(object?["msg"] as? String == "line")
        }
    }
}
