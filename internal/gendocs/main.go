// Command gendocs writes docs/rules.md from the rule metadata.
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/agentreach/agentreach/rules"
)

func main() {
	out := flag.String("o", "docs/rules.md", "output file")
	flag.Parse()
	if err := os.WriteFile(*out, rules.RenderMarkdown(rules.All()), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "gendocs:", err)
		os.Exit(1)
	}
}
