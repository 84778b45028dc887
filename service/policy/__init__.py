"""The one place the application asks the policy (`policies.polar`) and supplies its facts."""
