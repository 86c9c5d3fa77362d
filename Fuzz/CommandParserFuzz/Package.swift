// swift-tools-version:6.0
// The libFuzzer target for WorkbenchCore's command parser (issue 13). It compiles the parser's
// sources (CommandLine, a symlink to Sources/WorkbenchCore/CommandLine) into one executable with
// the HeadLab package's CircuitAnalysis (for HeadIndex). See ../README.md.
import PackageDescription

let package = Package(
  name: "CommandParserFuzz",
  platforms: [.macOS(.v14)],
  dependencies: [.package(name: "HeadLab", path: "../..")],
  targets: [
    .executableTarget(
      name: "CommandParserFuzz",
      dependencies: [.product(name: "CircuitAnalysis", package: "HeadLab")],
      path: ".",
      sources: ["main.swift", "CommandLine"]
    )
  ],
  swiftLanguageModes: [.v5]
)
