import ArgumentParser
import Foundation
import TransformerEngine
import WorkbenchCore

@main
struct HeadLab: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "headlab",
    abstract: "A terminal workbench for taking transformer language models apart.",
    discussion: """
      With no subcommand, on a terminal, headlab opens the workbench on the model given by --model \
      (default: the embedded model); when its input or output is not a terminal it prints the \
      model's summary and a greedy completion instead.
      """,
    subcommands: [Run.self, WorkbenchCommand.self, Forward.self, Tokenize.self, Info.self, Patch.self, Attribution.self, Ablate.self, Lens.self, DirectAttribution.self, Detect.self, Relevance.self, IOI.self, Successor.self, Trace.self, Weights.self, CHG.self, Batch.self, Merge.self, Train.self, Bench.self],
    defaultSubcommand: Run.self)

  /// Chooses OpenBLAS's AVX-512 kernels where its own detection missed them (see
  /// `BLAS.adoptAVX512KernelsIfMisdetected`), then runs the command.
  static func main() {
    BLAS.adoptAVX512KernelsIfMisdetected()
    var arguments = Array(CommandLine.arguments.dropFirst())
    if arguments.first == "--batch" { arguments[0] = "batch" }  // `headlab --batch FILE` is `headlab batch FILE`
    main(arguments)
  }
}

/// Runs a command body, turning any thrown error into one `headlab: error: ...` line on stderr
/// and exit code 2 (`ExitStatus.failure`; ArgumentParser's own usage errors keep their usual form and code 64).
func reportingErrors(_ body: () throws -> Void) throws {
  do {
    try body()
  } catch let error as ExitCode {
    throw error
  } catch {
    let message = (error as? LocalizedError)?.errorDescription ?? String(describing: error)
    FileHandle.standardError.write(Data("headlab: error: \(message)\n".utf8))
    throw ExitCode(ExitStatus.failure.rawValue)
  }
}
