import HopProtocol
import Testing

@testable import HopSim

@Suite struct SiteCatalogTests {
    @Test func firstFiveAreThePacificNorthwestDemoSites() {
        let sites = SiteCatalog.sites(count: 5)
        #expect(sites.map(\.substationID.rawValue) == ["SUB001", "SUB002", "SUB003", "SUB004", "SUB005"])
        #expect(sites[0].name == "Portland North")
        #expect(sites[0].unitID == 1)
        #expect(sites[0].deviceID(feeder: 1) == DeviceID("SUB001-FDR002"))
        for s in sites {
            #expect((42.0...47.5).contains(s.latitude))
            #expect((-124.5...(-116.0)).contains(s.longitude))
        }
    }

    @Test func generatedSitesStayInTheRegionAndAreDistinct() {
        let sites = SiteCatalog.sites(count: 247)
        #expect(Set(sites.map(\.substationID)).count == 247)
        #expect(sites[246].substationID == SubstationID("SUB247"))
        #expect(Set(sites.map { "\($0.latitude),\($0.longitude)" }).count == 247)
        for s in sites {
            #expect((42.0...47.5).contains(s.latitude))
            #expect((-124.5...(-116.0)).contains(s.longitude))
        }
    }
}
