// swift-tools-version:6.0
// Purrpurr Cloud — a backend-as-a-service mesh. No package dependencies by design:
// Foundation, Dispatch, the toolchain's test libraries, and the system libraries libpq and OpenSSL 3.
import PackageDescription

let package = Package(
    name: "Purrpurr",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "purrpurr", targets: ["Purrpurr"]),
        .executable(name: "router", targets: ["Router"]),
        .executable(name: "identity-service", targets: ["IdentityService"]),
        .executable(name: "comms-service", targets: ["CommsService"]),
        .executable(name: "vault-service", targets: ["VaultService"]),
        .executable(name: "billing-service", targets: ["BillingService"]),
    ],
    targets: [
        // System libraries: a module map and one shim header each.
        .systemLibrary(
            name: "COpenSSL",
            pkgConfig: "openssl",
            providers: [.apt(["libssl-dev"]), .brew(["openssl@3"])]
        ),
        .systemLibrary(
            name: "CLibPQ",
            pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"]), .brew(["libpq"])]
        ),

        // Everything that crosses a socket.
        .target(name: "Wire", dependencies: ["COpenSSL"]),

        // The mesh's IDL: the service registry, method descriptors, request and response types, public errors,
        // the limits both sides check. Editing a contract does not recompile the transport.
        .target(name: "Contracts", dependencies: ["Wire"]),

        // What every executable shares.
        .target(name: "ServiceKit", dependencies: ["Wire", "Contracts", "COpenSSL", "CLibPQ"]),

        // One executable per service.
        .executableTarget(name: "Router", dependencies: ["Wire", "Contracts", "ServiceKit"]),
        .executableTarget(name: "IdentityService", dependencies: ["Wire", "Contracts", "ServiceKit"]),
        .executableTarget(name: "CommsService", dependencies: ["Wire", "Contracts", "ServiceKit"]),
        .executableTarget(name: "VaultService", dependencies: ["Wire", "Contracts", "ServiceKit"]),
        .executableTarget(name: "BillingService", dependencies: ["Wire", "Contracts", "ServiceKit"]),
        .executableTarget(name: "Purrpurr", dependencies: ["Wire", "Contracts", "ServiceKit"]),

        // Benchmarks (release builds; not tests): `swift run -c release WireBench`.
        .executableTarget(name: "WireBench", dependencies: ["Wire"], path: "Benchmarks/WireBench"),
        .executableTarget(name: "CryptoBench", dependencies: ["ServiceKit"], path: "Benchmarks/CryptoBench"),
        .executableTarget(name: "BillingBench", dependencies: ["Wire", "Contracts"], path: "Benchmarks/BillingBench"),

        .testTarget(name: "WireTests", dependencies: ["Wire"]),
        .testTarget(name: "ContractsTests", dependencies: ["Contracts", "Wire"]),
        .testTarget(name: "ServiceKitTests", dependencies: ["ServiceKit", "Contracts", "PurrpurrTestSupport"]),
        .testTarget(name: "RouterTests", dependencies: ["Contracts", "Router", "ServiceKit"]),
        .testTarget(name: "IdentityServiceTests", dependencies: ["Contracts", "IdentityService", "ServiceKit"]),
        .testTarget(name: "VaultServiceTests", dependencies: ["Contracts", "VaultService", "ServiceKit", "PurrpurrTestSupport"]),
        .testTarget(name: "BillingServiceTests", dependencies: ["Contracts", "BillingService", "ServiceKit", "Wire", "PurrpurrTestSupport"]),
        .testTarget(name: "CommsServiceTests", dependencies: ["Contracts", "CommsService", "ServiceKit", "PurrpurrTestSupport"]),
        .testTarget(name: "PurrpurrTests", dependencies: ["Contracts", "Purrpurr", "ServiceKit", "PurrpurrTestSupport"]),
        // The whole mesh as real processes, started by `purrpurr up`'s own launcher.
        .testTarget(name: "MeshTests", dependencies: ["Contracts", "Purrpurr", "Wire", "ServiceKit", "PurrpurrTestSupport"]),
        // What several test targets share (a real SMTP server, a database per test); never in a product.
        .target(name: "PurrpurrTestSupport", dependencies: ["Wire", "Contracts", "ServiceKit"], path: "Tests/Support"),
    ],
    swiftLanguageModes: [.v6]
)
