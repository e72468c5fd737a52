package github

import "net/url"

// HostOf and GraphQLURL expose the URL mapping to the external tests.
func HostOf(raw string) string {
	u, _ := url.Parse(raw)
	return hostOf(u)
}

func GraphQLURL(raw string) string {
	u, _ := url.Parse(raw)
	return graphqlURL(u)
}
