"""HTTP: the GraphQL endpoint with its unit of work, authentication responses, health probes."""
