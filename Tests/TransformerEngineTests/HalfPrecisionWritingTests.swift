import Foundation
import HeadLabTestSupport
import TransformerEngine
import XCTest

/// The F16 and BF16 bytes `SafetensorsWriter` writes, bit for bit against PyTorch's
/// `x.to(torch.float16)` / `x.to(torch.bfloat16)` of the same float32 values (round to nearest,
/// ties to even), from `scripts/make_half_precision_fixtures.py`: ties, one ulp either side of
/// them, carries into the next binade and into infinity, signed zeros, infinities, subnormal
/// inputs and results, every F16 binade, BF16 binades, random bit patterns and weight-like values.
/// NaN: PyTorch writes NaN two ways (vectorised `x.to` and the scalar c10 conversion, see the
/// fixture's nan_rule), so a NaN's bits must equal one of the two.
final class HalfPrecisionWritingTests: XCTestCase {
  struct RoundingFile: Decodable {
    struct Group: Decodable {
      let name: String
      let count: Int
      let f32: String
      let f16: String
      let bf16: String
      let f16_scalar: String?
      let bf16_scalar: String?
    }
    let groups: [Group]
  }

  /// Space-separated hex words.
  func words<T: FixedWidthInteger>(_ text: String, as: T.Type) throws -> [T] {
    try text.split(separator: " ").map { try XCTUnwrap(T($0, radix: 16), "bad hex word \($0)") }
  }

  /// The data section of a one-tensor safetensors file, checking its header names `dtype`.
  func writtenElements(_ values: [Float], dtype: DType) throws -> [UInt16] {
    let file = try SafetensorsWriter.encode([.init("values", Tensor(shape: [values.count], values: values), dtype: dtype)])
    let headerLength = Int(file.prefix(8).enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) })
    let header = try XCTUnwrap(JSONSerialization.jsonObject(with: file.subdata(in: 8..<(8 + headerLength))) as? [String: Any])
    let entry = try XCTUnwrap(header["values"] as? [String: Any])
    XCTAssertEqual(entry["dtype"] as? String, dtype.rawValue)
    XCTAssertEqual(entry["shape"] as? [Int], [values.count])
    let data = Array(file.suffix(from: 8 + headerLength))
    XCTAssertEqual(data.count, 2 * values.count, "\(dtype.rawValue) data bytes")
    return stride(from: 0, to: data.count - 1, by: 2).map { UInt16(data[$0]) | UInt16(data[$0 + 1]) << 8 }
  }

  func testWrittenBytesEqualTorchConversion() throws {
    let url = Fixtures.resources(in: .module).appendingPathComponent("references/half-precision-rounding.json")
    let file = try JSONDecoder().decode(RoundingFile.self, from: Data(contentsOf: url))
    XCTAssertEqual(file.groups.map(\.name), ["edge_cases", "f16_binades", "bf16_binades", "random_bits", "random_weights", "nan"])
    var checked = 0
    for group in file.groups {
      let inputs = try words(group.f32, as: UInt32.self)
      XCTAssertEqual(inputs.count, group.count, group.name)
      let values = inputs.map(Float.init(bitPattern:))
      for (dtype, expectedText, scalarText) in [(DType.f16, group.f16, group.f16_scalar), (.bf16, group.bf16, group.bf16_scalar)] {
        let expected = try words(expectedText, as: UInt16.self)
        let alternative = try scalarText.map { try words($0, as: UInt16.self) }
        let ours = try writtenElements(values, dtype: dtype)
        XCTAssertEqual(expected.count, inputs.count, group.name)
        var mismatches: [String] = []
        for i in inputs.indices where ours[i] != expected[i] && ours[i] != alternative?[i] {
          mismatches.append(String(format: "%08x -> %04x, torch %04x", inputs[i], ours[i], expected[i])
                            + (alternative.map { String(format: " or %04x", $0[i]) } ?? ""))
        }
        checked += inputs.count
        if !mismatches.isEmpty {
          XCTFail("\(group.name) \(dtype.rawValue): \(mismatches.count) of \(inputs.count) differ from torch, e.g. \(mismatches.prefix(4).joined(separator: "; "))")
        }
      }
    }
    XCTAssertGreaterThan(checked, 5_000)
  }
}
