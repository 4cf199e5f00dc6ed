/// The production link flows (`Links/`) are what the core's handlers delegate to.
extension LinkFlows: IdentityLinkFlows {}
