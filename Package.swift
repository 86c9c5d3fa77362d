// swift-tools-version:6.0
import PackageDescription

let package = Package(
  name: "HeadLab",
  platforms: [.macOS(.v14)],
  products: [
    .executable(name: "headlab", targets: ["headlab"]),
    .library(name: "TransformerEngine", targets: ["TransformerEngine"]),
    .library(name: "Tokenizers", targets: ["Tokenizers"]),
    .library(name: "CircuitAnalysis", targets: ["CircuitAnalysis"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2")
  ],
  targets: [
    .systemLibrary(name: "CBLAS", path: "Sources/CBLAS", providers: [.apt(["libopenblas-dev"])]),
    .systemLibrary(name: "CNCurses", path: "Sources/CNCurses", providers: [.apt(["libncurses-dev"])]),
    .target(name: "Tokenizers"),
    .target(name: "Corpus"),
    .target(
      name: "TransformerEngine",
      dependencies: ["CBLAS"],
      resources: [.copy("Resources/default-model")],
      swiftSettings: [.unsafeFlags(["-target-cpu", "native"], .when(configuration: .release))]
    ),
    .target(
      name: "ModelTraining", dependencies: ["TransformerEngine", "Tokenizers", "Corpus"],
      resources: [.copy("Resources/heldout-behaviour.json")]),
    .target(
      name: "CircuitAnalysis", dependencies: ["TransformerEngine", "Tokenizers", "Corpus", "CBLAS"],
      resources: [.copy("Resources/headlab.result-1.schema.json")]),
    .target(name: "WorkbenchCore", dependencies: ["CircuitAnalysis", "TransformerEngine", "Tokenizers"]),
    .target(name: "WorkbenchTUI", dependencies: ["WorkbenchCore", "CircuitAnalysis", "TransformerEngine"]),
    .target(name: "CursesTerminal", dependencies: ["CNCurses", "WorkbenchTUI"]),
    .target(name: "HeadLabTestSupport", dependencies: ["TransformerEngine", "Tokenizers", "CircuitAnalysis"]),
    .executableTarget(
      name: "headlab",
      dependencies: [
        "TransformerEngine", "Tokenizers", "ModelTraining", "CircuitAnalysis", "Corpus", "WorkbenchCore", "WorkbenchTUI", "CursesTerminal",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]
    ),
    .testTarget(
      name: "TokenizersTests", dependencies: ["Tokenizers", "HeadLabTestSupport"],
      resources: [.copy("Resources")]),
    .testTarget(
      name: "TransformerEngineTests",
      dependencies: ["TransformerEngine", "Tokenizers", "HeadLabTestSupport"],
      resources: [.copy("Resources")]),
    .testTarget(
      name: "CircuitAnalysisTests",
      dependencies: ["CircuitAnalysis", "TransformerEngine", "Tokenizers", "HeadLabTestSupport"],
      resources: [.copy("Resources")]),
    .testTarget(
      name: "WorkbenchCoreTests", dependencies: ["WorkbenchCore", "CircuitAnalysis", "HeadLabTestSupport"],
      resources: [.copy("Resources")]),
    .testTarget(
      name: "WorkbenchTUITests", dependencies: ["WorkbenchTUI", "WorkbenchCore", "CircuitAnalysis", "HeadLabTestSupport"],
      exclude: ["Resources"]),
    .testTarget(name: "CursesTerminalTests", dependencies: ["CursesTerminal", "CNCurses", "WorkbenchTUI", "HeadLabTestSupport"]),
    .testTarget(name: "CorpusTests", dependencies: ["Corpus"]),
    .testTarget(
      name: "HeadLabCLITests", dependencies: ["TransformerEngine", "Tokenizers", "HeadLabTestSupport", "CircuitAnalysis"],
      exclude: ["Fixtures"]),
    .testTarget(
      name: "ModelTrainingTests", dependencies: ["ModelTraining", "TransformerEngine", "Tokenizers", "Corpus"],
      resources: [.copy("Resources")]),
  ],
  swiftLanguageModes: [.v5]
)
