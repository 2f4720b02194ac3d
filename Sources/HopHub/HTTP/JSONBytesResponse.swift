import Hummingbird
import NIOCore

/// A JSON answer already written by `JSONWriter` (the large query answers), sent as is with the
/// content type Hummingbird's JSON encoder would have set.
struct JSONBytesResponse: ResponseGenerator {
    let bytes: [UInt8]

    func response(from request: Request, context: some RequestContext) throws -> Response {
        Response(
            status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
