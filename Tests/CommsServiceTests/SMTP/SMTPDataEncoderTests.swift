import Testing
@testable import CommsService

@Suite("SMTPDataEncoder")
struct SMTPDataEncoderTests {
    @Test("line ends become CRLF, leading dots are doubled, CRLF.CRLF ends the data", arguments: [
        ("Subject: a\r\n\r\nbody\r\n", "Subject: a\r\n\r\nbody\r\n.\r\n"),
        ("Subject: a\n\nbody", "Subject: a\r\n\r\nbody\r\n.\r\n"),
        ("a\rb\r\n\nc", "a\r\nb\r\n\r\nc\r\n.\r\n"),
        (".\n..\n.x\nx.\n", "..\r\n...\r\n..x\r\nx.\r\n.\r\n"),
        ("x\r\n.", "x\r\n..\r\n.\r\n"),
        ("", ".\r\n"),
        (".", "..\r\n.\r\n"),
        ("a\r\r\nb", "a\r\n\r\nb\r\n.\r\n"),
    ])
    func encode(message: String, expected: String) {
        #expect(SMTPDataEncoder.encode(Array(message.utf8)) == Array(expected.utf8))
    }

    @Test("8-bit data is detected")
    func eightBit() {
        #expect(!SMTPDataEncoder.hasEightBitData(Array("plain ascii\r\n".utf8)))
        #expect(SMTPDataEncoder.hasEightBitData(Array("¡hola!".utf8)))
    }
}
