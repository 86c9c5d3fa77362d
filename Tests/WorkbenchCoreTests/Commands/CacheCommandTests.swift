import CircuitAnalysis
import Foundation
import TransformerEngine
import WorkbenchCore
import XCTest

/// `cache FILE.safetensors`: TransformerLens hook names and shapes, values of a run under the
/// active interventions, read back with the engine's safetensors reader.
final class CacheCommandTests: XCTestCase {
  func testCacheIsTransformerLensRunWithCacheUnderTheAblation() throws {
    let reference = try WorkbenchReference.load()
    let directory = try temporaryDirectory("cache")
    defer { try? FileManager.default.removeItem(at: directory) }
    let all = directory.appendingPathComponent("run.safetensors")
    let patterns = directory.appendingPathComponent("patterns.safetensors")
    let results = directory.appendingPathComponent("result.safetensors")
    let workbench = Workbench()
    let outputs = try runScript(reference.setup + """
      ablate \(reference.cache.ablated_heads.joined(separator: ","))
      cache \(all.path)
      cache \(patterns.path) sites=blocks.*.attn.hook_pattern
      cache \(results.path) sites=blocks.1.attn.*,blocks.?.attn.hook_result
      """, on: workbench)
    XCTAssertTrue(lastMessage(outputs, of: "cache")?.contains("ablated: 2.0 zero, 2.1 zero") ?? false)

    let file = try SafetensorsFile(url: all)
    let defaults = HookSite.allSites(layers: 4).filter { !$0.point.isOptIn }.map(\.name)
    XCTAssertEqual(file.names, defaults.sorted(), "every site runWithCache records by default")
    for name in file.names {
      XCTAssertEqual(file.entries[name]?.shape, reference.cache.shapes[name], "\(name): TransformerLens's shape")
    }
    XCTAssertEqual(file.metadata["tokens"], reference.tokens.map(String.init).joined(separator: ","))
    XCTAssertEqual(file.metadata["format"], "headlab.cache/1")
    for (name, slice) in reference.cache.values {
      let tensor = try file.tensor(name)
      let values = try Self.slice(tensor, slice.index)
      XCTAssertEqual(values.count, slice.values.count, name)
      for (k, (mine, theirs)) in zip(values, slice.values).enumerated() {
        XCTAssertEqual(Double(mine), theirs, accuracy: reference.tolerance, "\(name)\(slice.index) element \(k)")
      }
    }
    let z = try file.tensor("blocks.2.attn.hook_z")  // [1,T,NH,HS]: heads 0 and 1 are zeroed
    XCTAssertEqual(z.values.enumerated().filter { ($0.offset / 32) % 4 < 2 }.map(\.element).allSatisfy { $0 == 0 }, true)

    XCTAssertEqual(try SafetensorsFile(url: patterns).names, (0..<4).map { "blocks.\($0).attn.hook_pattern" })
    XCTAssertEqual(try SafetensorsFile(url: results).names, [
      "blocks.0.attn.hook_result", "blocks.1.attn.hook_attn_scores", "blocks.1.attn.hook_k", "blocks.1.attn.hook_pattern",
      "blocks.1.attn.hook_q", "blocks.1.attn.hook_result", "blocks.1.attn.hook_v", "blocks.1.attn.hook_z",
      "blocks.2.attn.hook_result", "blocks.3.attn.hook_result",
    ], "an opt-in site only when named after the last dot")
    XCTAssertEqual(workbench.history.map(\.name), ["model", "prompt", "answer", "ablate"], "cache writes a file and is not recorded")
  }

  /// The fixture's slice notation: `[0, 14, :8]`, `[0, :, 0]`, `[0, 1, 14, :]`: integers fix an
  /// axis, `:` or `:n` takes (the first n of) one.
  static func slice(_ tensor: Tensor, _ index: String) throws -> [Float] {
    let parts = index.trimmingCharacters(in: CharacterSet(charactersIn: "[]")).split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
    XCTAssertEqual(parts.count, tensor.shape.count, index)
    var ranges: [[Int]] = []
    for (axis, part) in parts.enumerated() {
      if let i = Int(part) {
        ranges.append([i])
      } else {
        let end = Int(part.dropFirst()) ?? tensor.shape[axis]
        ranges.append(Array(0..<end))
      }
    }
    var out: [Float] = []
    func walk(_ axis: Int, _ prefix: [Int]) {
      if axis == ranges.count {
        out.append(tensor.values[tensor.offset(prefix)])
        return
      }
      for i in ranges[axis] { walk(axis + 1, prefix + [i]) }
    }
    walk(0, [])
    return out
  }
}
