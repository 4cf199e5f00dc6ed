import Contracts

/// `POST /v1/comms/domains`: `{"name":"mail.example.com"}` (CommsService checks it is a real domain name).
struct CreateDomainBody: RequestBody {
    var name = ""

    static let fields: [BodyField<Self>] = [
        .string("name", \.name, length: 1...CreateDomainRequest.maxNameLength, printable: true,
                description: "A domain name the project controls, e.g. mail.example.com."),
    ]
}
