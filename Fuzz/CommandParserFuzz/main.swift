import CircuitAnalysis
import Foundation

// libFuzzer entry point for the command parser. Each input is read as a batch script (UTF-8,
// invalid bytes replaced by U+FFFD); a crash, an assertion failure or an ASan report is a finding.
// Checked for every input:
// - parsing either succeeds or throws a CommandParseError whose column lies in the line or one
//   past its end, and whose description draws that line with a caret;
// - a parsed line's canonical text parses to the same command and is its own canonical text;
// - every argument value read as every type (integer, float, boolean, choice, head pattern,
//   layer list, position list, resolved against 12 layers x 12 heads and 10 positions) returns a
//   value or a CommandParseError pointing into the line.

// SwiftPM links an executable's `main` under the name `CommandParserFuzz_main` (so tests can link
// the module), which hides libFuzzer's own `main`; this file's top-level code is therefore the
// program and hands control to libFuzzer's driver, which parses -runs=, -max_total_time=, corpus
// directories and so on exactly as libFuzzer's `main` would.
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
  _ argc: UnsafeMutablePointer<CInt>,
  _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
  _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt

var argumentCount = CommandLine.argc
var argumentVector: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argumentCount, &argumentVector, commandParserFuzzOneInput))

@_cdecl("LLVMFuzzerTestOneInput")
public func commandParserFuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
  guard let data else { return 0 }
  let script = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
  let lines = CommandScript.lines(of: script)
  for line in lines {
    do {
      guard let parsed = try CommandParser.parse(line.text, lineNumber: line.number) else { continue }
      checkCanonicalRoundTrip(parsed)
      for argument in parsed.arguments { readEveryType(argument.value, in: parsed.line) }
    } catch let error as CommandParseError {
      checkError(error, line: line.text)
    } catch {
      fatalError("the parser threw a non-parse error: \(error)")
    }
  }
  // The whole-script reader must agree with the line-by-line one about the first failing line.
  do {
    _ = try CommandScript.parse(script)
  } catch let error as CommandParseError {
    precondition(lines.contains { $0.number == error.lineNumber }, "script error names line \(String(describing: error.lineNumber))")
  } catch {
    fatalError("the script reader threw a non-parse error: \(error)")
  }
  return 0
}

func checkError(_ error: CommandParseError, line: String) {
  precondition(error.line == line, "error for another line")
  precondition((1...line.unicodeScalars.count + 1).contains(error.column), "column \(error.column) outside '\(line)'")
  precondition(!error.message.isEmpty && error.description.hasSuffix("^"), "error without message or caret")
}

func checkCanonicalRoundTrip(_ parsed: ParsedLine) {
  let canonical = parsed.canonicalText
  let reparsed: ParsedLine?
  do {
    reparsed = try CommandParser.parse(canonical)
  } catch {
    fatalError("canonical text \(canonical.debugDescription) of \(parsed.line.debugDescription) does not parse: \(error)")
  }
  guard let reparsed, reparsed.sameCommand(as: parsed), reparsed.canonicalText == canonical else {
    fatalError("canonical text \(canonical.debugDescription) of \(parsed.line.debugDescription) reads differently")
  }
}

func readEveryType(_ token: LineToken, in line: String) {
  func expect(_ body: () throws -> Void) {
    do { try body() } catch let error as CommandParseError {
      checkError(error, line: line)
    } catch {
      fatalError("a typed value threw a non-parse error: \(error)")
    }
  }
  expect { _ = try token.integer(in: -5...5) }
  expect { _ = try token.float() }
  expect { _ = try token.boolean() }
  expect { _ = try token.choice(["logit-diff", "prob", "kl"], noun: "metric") }
  expect {
    let heads = try token.headPattern().resolve(layers: 12, heads: 12)
    precondition(heads.allSatisfy { (0..<12).contains($0.layer) && (0..<12).contains($0.head) }, "head out of range")
    precondition(Set(heads).count == heads.count, "a head listed twice")
  }
  expect { _ = try token.layerList().resolve(count: 12) }
  expect {
    let positions = try token.positionList().resolve(count: 10)
    precondition(positions.allSatisfy { (0..<10).contains($0) }, "position out of range")
  }
}
