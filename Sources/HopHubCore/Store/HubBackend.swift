/// Everything the running hub needs from its store backend: the store contract (`HubStore`) plus
/// what the live feed, the executive summary, accounts and audit exports read and write. The hub
/// holds its store as `any HubBackend`, so routes and services never see SQLite or PostgreSQL.
public typealias HubBackend = HubStore & LiveLookups & SummaryLookups & AccountStore & AuditExportStore
