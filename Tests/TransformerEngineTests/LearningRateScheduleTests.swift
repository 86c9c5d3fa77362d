import Foundation
import HeadLabTestSupport
import TransformerEngine
import XCTest

/// `LearningRateSchedule` against PyTorch's `LambdaLR` with the same warm-up + cosine lambda, at
/// every update of three schedules (warm-up, the whole cosine, the minimum and past the end),
/// from `scripts/make_optimizer_fixtures.py`. Tolerance: |ours - torch| <= 1e-6 · peak (the
/// schedule is computed in Float32, PyTorch's in float64). Each schedule's cosine lies at least
/// 0.1 · peak away from the straight line between its end points somewhere, so a linear decay
/// cannot pass.
final class LearningRateScheduleTests: XCTestCase {
  struct ScheduleFile: Decodable {
    struct Schedule: Decodable {
      let name: String
      let peak: Double
      let warmup_steps: Int
      let total_steps: Int
      let minimum_fraction: Double
      let max_distance_from_straight_line: Double
      /// The rate of update n (0-based), n = 0 ... total_steps + 5.
      let rates: [Double]
    }
    let schedules: [Schedule]
  }

  func testEveryUpdateMatchesLambdaLR() throws {
    let url = Fixtures.resources(in: .module).appendingPathComponent("references/lr-schedule.json")
    let file = try JSONDecoder().decode(ScheduleFile.self, from: Data(contentsOf: url))
    XCTAssertEqual(file.schedules.count, 3)
    for reference in file.schedules {
      let schedule = LearningRateSchedule(
        peak: Float(reference.peak), warmupSteps: reference.warmup_steps,
        totalSteps: reference.total_steps, minimumFraction: Float(reference.minimum_fraction))
      XCTAssertEqual(reference.rates.count, reference.total_steps + 6, reference.name)
      XCTAssertGreaterThan(reference.max_distance_from_straight_line, 0.1 * reference.peak, reference.name)
      let tolerance = 1e-6 * reference.peak
      for (step, expected) in reference.rates.enumerated() {
        let rate = Double(schedule.rate(at: step))
        if abs(rate - expected) > tolerance {
          XCTFail("\(reference.name): update \(step): rate \(rate) vs LambdaLR \(expected) (tolerance \(tolerance))")
          break
        }
      }
    }
  }
}
