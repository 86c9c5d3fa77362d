import Foundation
import Tokenizers

/// A relation from a file for MAPS (`MAPSScores`): UTF-8 text, one pair per line, the source word
/// and the target word separated by one tab,
///
///     France<TAB>Paris
///     Japan<TAB>Tokyo
///
/// Each word is taken as it follows a space ("Paris" is the token " Paris"; MAPS adds the leading
/// space). Blank lines and lines starting with "#" are skipped. A pair whose source or target is
/// not one token is dropped and counted (`TokenRelation.dropped`), as MAPS drops it. A line without
/// exactly two non-empty tab-separated fields, and a file without pairs, are
/// `AnalysisError.badDatasetFile` naming the file and the 1-based line. The relation is named
/// after the file (without its extension).
public enum TokenRelationFile {
  public static func read(_ url: URL, tokenizer: BPETokenizer) throws -> TokenRelation {
    let text = try datasetFileText(url, what: "relation file")
    return try parse(text, path: url.path, name: url.deletingPathExtension().lastPathComponent, tokenizer: tokenizer)
  }

  /// Checks `text`; `path` names it in errors and in the relation's origin.
  public static func parse(_ text: String, path: String, name: String, tokenizer: BPETokenizer) throws -> TokenRelation {
    var words: [(source: String, target: String)] = []
    for (index, line) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
      if line.trimmingCharacters(in: .whitespaces).isEmpty || line.hasPrefix("#") { continue }
      let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
      guard fields.count == 2 else {
        throw AnalysisError.badDatasetFile(
          path: path, line: index + 1,
          message: "expected a source word and a target word separated by one tab, found \(fields.count) field\(fields.count == 1 ? "" : "s") in \(String(line).debugDescription)")
      }
      let source = fields[0].trimmingCharacters(in: .whitespaces), target = fields[1].trimmingCharacters(in: .whitespaces)
      guard !source.isEmpty, !target.isEmpty else {
        throw AnalysisError.badDatasetFile(path: path, line: index + 1, message: "the \(source.isEmpty ? "source" : "target") word is empty")
      }
      words.append((source, target))
    }
    guard !words.isEmpty else { throw AnalysisError.badDatasetFile(path: path, line: 1, message: "the file has no source<TAB>target pairs") }
    return TokenRelation(name: name, words: words, tokenizer: tokenizer, origin: path)
  }
}
