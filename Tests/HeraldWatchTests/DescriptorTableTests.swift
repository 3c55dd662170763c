import HeraldTestSupport
import Testing

@testable import HeraldWatch

@Suite struct DescriptorTableTests {
    @Test func behavesLikeADictionaryThroughAppendsRemovalsSweepsAndWrapAround() {
        var table = DescriptorTable()
        var model: [Int32: Int32] = [:]
        var random = SeededGenerator(seed: 42)
        var nextDescriptor: Int32 = 1
        for step in 0..<20_000 {
            switch random.next(below: 10) {
            case 0..<5:  // the kernel's next descriptor
                table[nextDescriptor] = Int32(step)
                model[nextDescriptor] = Int32(step)
                nextDescriptor += 1
            case 5..<8:  // a watch removed
                let descriptor = Int32(random.next(below: Int(nextDescriptor)) + 1)
                #expect(table.removeValue(forKey: descriptor) == model.removeValue(forKey: descriptor))
            case 8:  // a descriptor reused after wrap-around, anywhere in the range
                let descriptor = Int32(random.next(below: Int(nextDescriptor)) + 1)
                table[descriptor] = Int32(step)
                model[descriptor] = Int32(step)
            default:
                let descriptor = Int32(random.next(below: Int(nextDescriptor) + 10))
                #expect(table[descriptor] == model[descriptor])
            }
        }
        #expect(table.count == model.count)
        for descriptor in 0...(nextDescriptor + 5) { #expect(table[descriptor] == model[descriptor]) }
        // Removing everything sweeps down to nothing.
        for descriptor in model.keys { table[descriptor] = nil }
        #expect(table.count == 0)
        #expect(table[1] == nil)
    }
}
