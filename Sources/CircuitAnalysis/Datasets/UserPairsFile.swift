import Foundation
import Tokenizers

/// A user's dataset: a JSONL file with one prompt pair per line,
///
///     {"clean": "When Mary and John went to the store, John gave a drink to", "corrupted": "When Mary and John went to the store, Mary gave a drink to", "answer": " Mary", "wrong": " John"}
///
/// and an optional "template" (a string or an integer) that groups lines for mean ablation per
/// template. Prompts get BOS; "answer" and "wrong" must each be one token; clean and corrupted
/// must align token by token. Blank lines are skipped. Every problem is an
/// `AnalysisError.badDatasetFile` naming the file and the 1-based line: bad JSON, a missing or
/// unknown key, a value of the wrong type, an answer that is not one token, a misaligned pair
/// (with both tokenisations), and a file without pairs (line 1).
public enum UserPairsFile {
  static let requiredKeys = ["clean", "corrupted", "answer", "wrong"]

  /// Reads and checks the file at `url`.
  public static func read(_ url: URL, tokenizer: BPETokenizer) throws -> PromptDataset {
    let text = try datasetFileText(url, what: "dataset file")
    return try parse(text, path: url.path, tokenizer: tokenizer)
  }

  /// Checks JSONL `text`; `path` names it in errors.
  public static func parse(_ text: String, path: String, tokenizer: BPETokenizer) throws -> PromptDataset {
    var pairs: [PromptPair] = []
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    for (index, rawLine) in lines.enumerated() {
      let line = rawLine.trimmingCharacters(in: .whitespacesAndNewlines)
      if line.isEmpty { continue }
      func fail(_ message: String) -> AnalysisError { .badDatasetFile(path: path, line: index + 1, message: message) }
      let object: [String: JSONValue]
      do {
        guard case .object(let parsed) = try JSONDecoder().decode(JSONValue.self, from: Data(line.utf8)) else {
          throw fail("expected a JSON object {\"clean\", \"corrupted\", \"answer\", \"wrong\"}")
        }
        object = parsed
      } catch let error as AnalysisError {
        throw error
      } catch {
        throw fail("not valid JSON: \(jsonProblem(error))")
      }
      for key in object.keys.sorted() where !(requiredKeys + ["template"]).contains(key) {
        throw fail("unknown key \(key.debugDescription); the keys are \(requiredKeys.joined(separator: ", ")) and optionally template")
      }
      var fields: [String: String] = [:]
      for key in requiredKeys {
        guard let value = object[key] else { throw fail("missing key \(key.debugDescription)") }
        guard let string = value.stringValue else { throw fail("\(key.debugDescription) must be a string") }
        fields[key] = string
      }
      let template: String
      switch object["template"] {
      case nil: template = "file"
      case .string(let value): template = value
      case .number(let value) where value == value.rounded() && abs(value) < 1e15: template = String(Int(value))
      default: throw fail("\"template\" must be a string or an integer")
      }
      do {
        pairs.append(try PromptPair(
          clean: fields["clean"]!, corrupted: fields["corrupted"]!, answer: fields["answer"]!,
          wrong: fields["wrong"]!, template: template, tokenizer: tokenizer))
      } catch let error as AnalysisError {
        throw fail(error.description)
      }
    }
    guard !pairs.isEmpty else { throw AnalysisError.badDatasetFile(path: path, line: 1, message: "the file has no prompt pairs") }
    return try PromptDataset(name: "file", pairs: pairs, filtered: [], params: ["path": .string(path)])
  }

  /// The parser's own words for a JSON syntax error, without Swift's coding-path wrapping.
  static func jsonProblem(_ error: Error) -> String {
    guard case DecodingError.dataCorrupted(let context) = error else { return "\(error)" }
    if let underlying = context.underlyingError { return "\(context.debugDescription) (\((underlying as NSError).userInfo[NSDebugDescriptionErrorKey] ?? underlying.localizedDescription))" }
    return context.debugDescription
  }
}
