import Testing

@testable import HopEdge

/// `probe --address` is checked locally: no wrap-around, no read past register 65535.
@Suite struct ProbeAddressTests {
    @Test(arguments: [0, 1, 40001, 65534])
    func addressesThatFit(_ address: Int) {
        #expect(Probe.addressProblem(address) == nil)
    }

    @Test func beyondSixteenBitsIsRefusedNotWrapped() {
        #expect(Probe.addressProblem(65556) == "--address 65556 is out of range 0…65535")
        #expect(Probe.addressProblem(-1) == "--address -1 is out of range 0…65535")
    }

    @Test func aThirtyTwoBitReadMustEndByTheLastRegister() {
        #expect(Probe.addressProblem(65535)?.contains("the last address is 65535") == true)
    }
}
