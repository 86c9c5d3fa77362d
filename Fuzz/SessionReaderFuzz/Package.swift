// swift-tools-version:6.0
// The libFuzzer target for the session reader (see README.md). Its own package, so that the main
// Package.swift has no fuzzing target; it compiles WorkbenchCore's Session/ sources (a symbolic
// link) against the main package's CircuitAnalysis and TransformerEngine.
import PackageDescription

let package = Package(
  name: "SessionReaderFuzz",
  dependencies: [.package(name: "HeadLab", path: "../..")],
  targets: [
    .executableTarget(
      name: "SessionReaderFuzz",
      dependencies: [
        .product(name: "CircuitAnalysis", package: "HeadLab"),
        .product(name: "TransformerEngine", package: "HeadLab"),
      ]
    )
  ],
  swiftLanguageModes: [.v5]
)
