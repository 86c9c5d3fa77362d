import ArgumentParser
import Foundation

struct Tokenize: ParsableCommand {
  static let configuration = CommandConfiguration(abstract: "Show how text splits into tokens.")

  @OptionGroup var modelOptions: ModelOptions

  @Argument(help: "The text to tokenize.")
  var text: String

  @Flag(name: .customLong("no-bos"), help: "Do not prepend <|endoftext|> as BOS.")
  var noBOS = false

  @Flag(name: .long, help: "Print JSON.")
  var json = false

  struct Report: Encodable { let ids: [Int]; let tokens: [String] }

  func run() throws {
    try reportingErrors {
      let loaded = try modelOptions.load()
      let ids = loaded.tokenizer.encode(text, prependBOS: !noBOS)
      let report = Report(ids: ids, tokens: ids.map { loaded.tokenizer.tokenText($0) })
      if json {
        print(try JSONOutput.encode(report))
      } else {
        print("\(ids.count) tokens")
        for (i, (id, token)) in zip(report.ids, report.tokens).enumerated() {
          print(String(format: "%4d  %6d  %@", i, id, quoted(token)))
        }
      }
    }
  }
}
