// swift-tools-version:6.1
import PackageDescription

// Targets follow the pipeline's stages:
// bytes ─▶ CSVReading ─▶ Schema/Ingest ─▶ Trends ─▶ Reports ─▶ govstats (publish)
let package = Package(
    name: "GovStats",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "govstats", targets: ["govstats"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
    ],
    targets: [
        // The thin C boundary: Debian's libcsv-dev, no pkg-config file.
        .systemLibrary(
            name: "CLibCSV",
            providers: [.apt(["libcsv-dev"])]
        ),
        // renameat2(RENAME_EXCHANGE) for the atomic publish of the reports folder
        .target(name: "CPublish"),
        // bytes -> CSV records (libcsv, encodings, line numbers)
        // byte scans in C where Swift has no vector instructions (UTF-8 validation, AVX2)
        .target(name: "CBytes"),
        .target(name: "CSVReading", dependencies: ["CLibCSV", "CBytes"]),
        // CSV records -> typed values (datasets, columns, aliases, value forms, govstats.toml)
        .target(name: "Schema", dependencies: ["CSVReading", .product(name: "TOMLKit", package: "TOMLKit")]),
        // files -> row outcomes, rejects and the standing records
        .target(name: "Ingest", dependencies: ["CSVReading", "CBytes", "Schema", .product(name: "Crypto", package: "swift-crypto")]),
        // standing records -> trend and compliance tables (pure)
        .target(name: "Trends", dependencies: ["CSVReading", "Schema", "Ingest"]),
        // tables -> report model -> Markdown, HTML, CSV (pure)
        .target(name: "Reports", dependencies: ["CSVReading", "Schema", "Ingest", "Trends"]),
        // synthetic datasets calibrated to the published figures
        .target(name: "SampleData", dependencies: ["CSVReading"]),
        .executableTarget(
            name: "govstats",
            dependencies: [
                "CSVReading", "Schema", "Ingest", "Trends", "Reports", "SampleData", "CPublish",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // libFuzzer harness over the CSV reader and the row decoder (`make fuzz`); in an
        // ordinary build it replays files given on the command line.
        .executableTarget(name: "FuzzHarness", dependencies: ["CSVReading", "Schema", "Ingest"]),
        .target(name: "TestSupport", dependencies: [], path: "Tests/TestSupport"),
        .testTarget(name: "CSVReadingTests", dependencies: ["CSVReading", "TestSupport"]),
        .testTarget(name: "SchemaTests", dependencies: ["Schema", "TestSupport"]),
        .testTarget(name: "IngestTests", dependencies: ["Ingest", "Schema", "CSVReading", "TestSupport"]),
        .testTarget(name: "TrendsTests", dependencies: ["Trends", "Ingest", "Schema", "CSVReading", "TestSupport"]),
        .testTarget(name: "ReportsTests", dependencies: ["Reports", "Trends", "Ingest", "Schema", "TestSupport"]),
        .testTarget(name: "SampleDataTests", dependencies: ["SampleData", "CSVReading", "TestSupport"]),
        .testTarget(name: "EndToEndTests", dependencies: ["TestSupport", "CPublish"]),
    ]
)

for target in package.targets where target.type != .system && target.name != "CPublish" && target.name != "CBytes" {
    target.swiftSettings = (target.swiftSettings ?? []) + [
        .enableUpcomingFeature("ExistentialAny"),
        .enableUpcomingFeature("MemberImportVisibility"),
    ]
}
