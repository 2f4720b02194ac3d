import HopHubCore
import HopHubSQLite
import HopProtocol
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

extension Hub {
    /// Static files: the portal under `/portal/`, Debian's chart/map libraries under `/vendor/`,
    /// and the page routes `/` (→ `/portal/`), `/login` and `/admin`. Added inside the error
    /// middleware so a missing file is a JSON 404 like any other; every response carries the
    /// security headers.
    func addStaticFiles(to router: Router<HubRequestContext>) {
        router.add(middleware: SecurityHeadersMiddleware(tileURL: configuration.portal.tileURL))
        router.add(middleware: StaticPathGuard(roots: [
            ("/portal", configuration.portal.directory), ("/vendor", configuration.portal.vendorDirectory),
        ]))
        router.add(middleware: FileMiddleware(
            configuration.portal.directory, urlBasePath: "/portal", cacheControl: .init([(MediaType(type: .any), [.noCache])]),
            searchForIndexHtml: true))
        router.add(middleware: FileMiddleware(
            configuration.portal.vendorDirectory, urlBasePath: "/vendor",
            cacheControl: .init([(MediaType(type: .any), [.maxAge(86_400)])])))
        addPageRoutes(to: router)
    }

    /// `GET /` → 302 `/portal/`; `GET /login` → `portal/login.html`; `GET /admin[/]` → `portal/admin/index.html`.
    func addPageRoutes(to router: Router<HubRequestContext>) {
        router.get("/") { _, _ in
            Response(status: .found, headers: [.location: "/portal/", .cacheControl: "no-cache"])
        }
        let directory = configuration.portal.directory
        router.get("login") { request, _ in try Self.page(directory, "login.html", request) }
        // Also answers `/admin/`: the router ignores a trailing slash.
        router.get("admin") { request, _ in try Self.page(directory, "admin/index.html", request) }
    }

    /// One HTML file of the portal directory, read per request (the files are small and edited live).
    static func page(_ directory: String, _ file: String, _ request: Request) throws -> Response {
        guard let data = FileManager.default.contents(atPath: directory + "/" + file) else {
            throw HubError(.notFound, "page \(request.uri.path) is not installed (missing \(file) in portal.directory)")
        }
        return Response(
            status: .ok, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-cache"],
            body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
