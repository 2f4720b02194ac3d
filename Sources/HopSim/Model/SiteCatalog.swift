/// The substations a run simulates: the first five at real Pacific Northwest coordinates (the
/// demo's region), then more real towns of the region, then generated sites on a grid over it.
public enum SiteCatalog {
    /// Named sites in order. The first five are the demo's.
    static let named: [(String, Double, Double)] = [
        ("Portland North", 45.5231, -122.6765),
        ("Salem South", 44.9429, -123.0351),
        ("Eugene West", 44.0521, -123.0868),
        ("Vancouver WA", 45.6387, -122.6615),
        ("Bend East", 44.0582, -121.3153),
        ("Corvallis", 44.5646, -123.2620),
        ("Albany", 44.6365, -123.1059),
        ("Medford", 42.3265, -122.8756),
        ("Hillsboro", 45.5229, -122.9898),
        ("Gresham", 45.4985, -122.4312),
        ("Olympia", 47.0379, -122.9007),
        ("Longview", 46.1382, -122.9382),
        ("The Dalles", 45.5946, -121.1787),
        ("Hood River", 45.7054, -121.5215),
        ("Roseburg", 43.2165, -123.3417),
        ("Grants Pass", 42.4390, -123.3284),
        ("Klamath Falls", 42.2249, -121.7817),
        ("Pendleton", 45.6721, -118.7886),
        ("Astoria", 46.1879, -123.8313),
        ("Newport", 44.6368, -124.0535),
    ]

    /// The site at `index` (zero-based). Beyond the named list, sites are placed on a 0.25° grid
    /// spanning 42.5–47.0 °N, 124.0–117.5 °W and named `Cascadia NNN`.
    public static func site(index: Int) -> Site {
        if index < named.count {
            let (name, lat, lon) = named[index]
            return Site(index: index, name: name, latitude: lat, longitude: lon)
        }
        let k = index - named.count
        let columns = 26  // 6.5° of longitude / 0.25°
        let rows = 18  // 4.5° of latitude / 0.25°
        let cell = k % (columns * rows)
        let lat = 42.5 + 0.25 * Double(cell / columns) + 0.125
        let lon = -124.0 + 0.25 * Double(cell % columns) + 0.125
        return Site(index: index, name: "Cascadia " + Site.pad3(index + 1), latitude: lat, longitude: lon)
    }

    /// The first `count` sites.
    public static func sites(count: Int) -> [Site] {
        (0..<max(count, 0)).map(site(index:))
    }
}
