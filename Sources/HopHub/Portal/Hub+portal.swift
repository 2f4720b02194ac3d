import Hummingbird

extension Hub {
    /// Static files: the portal under `/portal/`, Debian's chart/map libraries under `/vendor/`.
    /// Added inside the error middleware so a missing file is a JSON 404 like any other.
    func addStaticFiles(to router: Router<HubRequestContext>) {
        router.add(middleware: FileMiddleware(
            configuration.portal.directory, urlBasePath: "/portal", cacheControl: .init([(MediaType(type: .any), [.noCache])]),
            searchForIndexHtml: true))
        router.add(middleware: FileMiddleware(
            configuration.portal.vendorDirectory, urlBasePath: "/vendor",
            cacheControl: .init([(MediaType(type: .any), [.maxAge(86_400)])])))
    }
}
