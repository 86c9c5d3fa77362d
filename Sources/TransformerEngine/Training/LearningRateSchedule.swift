import Foundation

/// Linear warm-up from 0 to the peak rate, then cosine decay to `minimumFraction` of it
/// (the schedule of GPT-3 and nanoGPT).
public struct LearningRateSchedule: Codable, Equatable, Sendable {
  public var peak: Float
  public var warmupSteps: Int
  public var totalSteps: Int
  public var minimumFraction: Float

  public init(peak: Float, warmupSteps: Int, totalSteps: Int, minimumFraction: Float = 0.1) {
    self.peak = peak
    self.warmupSteps = warmupSteps
    self.totalSteps = totalSteps
    self.minimumFraction = minimumFraction
  }

  /// The rate for update number `step` (0-based).
  public func rate(at step: Int) -> Float {
    if step < warmupSteps { return peak * Float(step + 1) / Float(warmupSteps) }
    let span = max(1, totalSteps - warmupSteps)
    let progress = min(1, Double(step - warmupSteps) / Double(span))
    let cosine = 0.5 * (1 + cos(Double.pi * progress))
    return peak * (minimumFraction + (1 - minimumFraction) * Float(cosine))
  }
}
