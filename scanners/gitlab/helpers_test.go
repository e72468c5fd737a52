package gitlab_test

import "github.com/agentreach/agentreach/internal/apitransport"

func apiNoRetry() apitransport.Options { return apitransport.Options{MaxRetries: -1} }
