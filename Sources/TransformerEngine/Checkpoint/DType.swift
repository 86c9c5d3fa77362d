/// Element types a checkpoint tensor may have. Weights are converted to Float32 on load.
public enum DType: String, Sendable, CaseIterable {
  case f32 = "F32"
  case f16 = "F16"
  case bf16 = "BF16"

  public var byteSize: Int { self == .f32 ? 4 : 2 }

  /// Converts `count` little-endian elements at `source` to Float32 at `destination`.
  func convert(_ source: UnsafeRawPointer, to destination: UnsafeMutablePointer<Float>, count: Int) {
    switch self {
    case .f32:
      UnsafeMutableRawPointer(destination).copyMemory(from: source, byteCount: count * 4)
    case .f16:
      for i in 0..<count {
        let bits = UInt16(littleEndian: source.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))
        destination[i] = Float(Float16(bitPattern: bits))
      }
    case .bf16:
      for i in 0..<count {
        let bits = UInt16(littleEndian: source.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))
        destination[i] = Float(bitPattern: UInt32(bits) << 16)
      }
    }
  }

  /// Encodes Float32 values as little-endian bytes of this dtype (round to nearest even).
  func encode(_ values: [Float]) -> [UInt8] {
    var bytes: [UInt8] = []
    bytes.reserveCapacity(values.count * byteSize)
    for v in values {
      switch self {
      case .f32: withUnsafeBytes(of: v.bitPattern.littleEndian) { bytes += $0 }
      case .f16: withUnsafeBytes(of: Float16(v).bitPattern.littleEndian) { bytes += $0 }
      case .bf16:
        let bits = v.bitPattern
        let rounded: UInt32 = v.isNaN ? 0x7FC0_0000 : bits &+ 0x7FFF &+ ((bits >> 16) & 1)
        withUnsafeBytes(of: UInt16(truncatingIfNeeded: rounded >> 16).littleEndian) { bytes += $0 }
      }
    }
    return bytes
  }
}
