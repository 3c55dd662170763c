// swift-tools-version:6.2
import PackageDescription

/// Herald's benchmarks, a package of their own so the daemon's build and CI never compile them:
/// `swift build -c release --package-path bench/HeraldBenchmarks`, then
/// `bench/HeraldBenchmarks/.build/release/herald-bench` (BENCHMARKS.md says which command measures what).
let package = Package(
    name: "HeraldBenchmarks",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(name: "Herald", path: "../.."),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
    ],
    targets: [
        .executableTarget(
            name: "herald-bench",
            dependencies: [
                .product(name: "HeraldForBenchmarks", package: "Herald"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            swiftSettings: [
                .swiftLanguageMode(.v6),
                .treatAllWarnings(as: .error),
                .enableUpcomingFeature("ExistentialAny"),
                .enableUpcomingFeature("MemberImportVisibility"),
            ]
        )
    ]
)
