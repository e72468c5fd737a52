module github.com/agentreach/agentreach

go 1.26.8

require github.com/bmatcuk/doublestar/v4 v4.10.0
