"""The compiled execution path for registered documents (issue 17): each registered document
compiled once against the served schema into a plan, run without graphql-core's per-field
machinery, answering byte for byte what the generic path answers (tests/compiled/)."""
