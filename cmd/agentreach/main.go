// Command agentreach finds which AI coding agent, CI job or MCP server can
// reach which credential, what that credential can do, and whether that is
// more than the human it acts for — or the task — needs.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, cancel := context.WithCancelCause(context.Background())
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	go func() {
		s := <-sigs
		// The first signal stops the scan and writes what was found, marked
		// interrupted; a second one ends the process at once.
		signal.Stop(sigs)
		cancel(&interrupted{sig: s})
	}()
	code := Main(ctx, os.Args[1:], Stdio{In: os.Stdin, Out: os.Stdout, Err: os.Stderr}, os.Getenv)
	os.Exit(code)
}
