package main

import (
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/agentreach/agentreach/inventory"
	"github.com/agentreach/agentreach/report"
)

func newRevokePlanCmd(stdio Stdio) *cobra.Command {
	var agents []string
	var kind, out string
	cmd := &cobra.Command{
		Use:   "revoke-plan REPORT.json (--agent ID ... | --kind KIND)",
		Short: "How to cut an agent off, from a JSON report alone",
		Long: "List, in order, every credential the agent(s) reach with the way to revoke or rotate it: static credentials and\n" +
			"the broadest first, short-lived tokens last, and for each the other agents that revoking it cuts off too.\n" +
			"It reads the report only: it calls no API and revokes nothing.\n\n" +
			"--agent takes the full id, the part after its \"|\", or a unique suffix of that part; repeatable.\n" +
			"--kind takes every agent of one kind: " + kindList() + ".\n" +
			"-o markdown (the default, a runbook) or json (for automation), each optionally =FILE.",
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) != 1 {
				return &usageError{"revoke-plan takes one JSON report (agentreach scan -o json=FILE)"}
			}
			return nil
		},
		RunE: func(_ *cobra.Command, args []string) error {
			if (len(agents) == 0) == (kind == "") {
				return &usageError{"revoke-plan needs --agent ID (repeatable) or --kind KIND, not both"}
			}
			o, err := parsePlanOutput(out)
			if err != nil {
				return err
			}
			rep, err := readPlanReport(args[0])
			if err != nil {
				return err
			}
			ids, err := planAgents(rep.Inventory, agents, kind)
			if err != nil {
				return err
			}
			if err := checkOutputs([]output{o}, stdio.Out); err != nil {
				return err
			}
			plan := report.NewRevokePlan(rep, ids)
			write := plan.WriteMarkdown
			if o.format == report.FormatJSON {
				write = plan.WriteJSON
			}
			if o.file == "" {
				return write(stdio.Out)
			}
			if err := writeOutputFile(o, write); err != nil {
				return fmt.Errorf("writing %s: %w", o.file, err)
			}
			return nil
		},
	}
	fl := cmd.Flags()
	fl.StringArrayVar(&agents, "agent", nil, "an agent id (full, after the \"|\", or a unique suffix); repeatable")
	fl.StringVar(&kind, "kind", "", "every agent of this kind: "+kindList())
	fl.StringVarP(&out, "output", "o", "markdown", "markdown or json, optionally =FILE")
	_ = cmd.RegisterFlagCompletionFunc("output", cobra.FixedCompletions([]string{"markdown", "json", "markdown=", "json="}, cobra.ShellCompDirectiveNoSpace))
	var kinds []string
	for _, k := range report.AgentKinds {
		kinds = append(kinds, string(k))
	}
	_ = cmd.RegisterFlagCompletionFunc("kind", cobra.FixedCompletions(kinds, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

func kindList() string {
	var ks []string
	for _, k := range report.AgentKinds {
		ks = append(ks, string(k))
	}
	return strings.Join(ks, ", ")
}

func parsePlanOutput(s string) (output, error) {
	format, file, _ := strings.Cut(s, "=")
	switch report.Format(format) {
	case report.FormatMarkdown, report.FormatJSON:
	default:
		return output{}, &usageError{fmt.Sprintf("revoke-plan -o %q: want markdown or json, optionally =FILE", s)}
	}
	if strings.Contains(s, "=") && file == "" {
		return output{}, &usageError{fmt.Sprintf("revoke-plan -o %q: name a file after =", s)}
	}
	return output{format: report.Format(format), file: file}, nil
}

func readPlanReport(path string) (*report.Report, error) {
	f, err := os.Open(path) // #nosec G304 -- the report the user names (a pipe or process substitution is theirs to use)
	if err != nil {
		return nil, &usageError{fmt.Sprintf("%s: %v", path, unwrapPathErr(err))}
	}
	defer f.Close()
	rep, err := report.ReadReport(io.Reader(f))
	if err != nil {
		return nil, &usageError{fmt.Sprintf("%s: %s", path, oneLine(err.Error()))}
	}
	return rep, nil
}

// planAgents resolves --agent or --kind to full agent ids, in the order
// given, each once.
func planAgents(inv *inventory.Inventory, agents []string, kind string) ([]string, error) {
	if kind != "" {
		k := inventory.AgentKind(kind)
		known := false
		for _, a := range report.AgentKinds {
			known = known || a == k
		}
		if !known {
			return nil, &usageError{fmt.Sprintf("unknown agent kind %q (want %s)", kind, kindList())}
		}
		ids := report.AgentsOfKind(inv, k)
		if len(ids) == 0 {
			return nil, &usageError{fmt.Sprintf("the report has no agent of kind %s", kind)}
		}
		return ids, nil
	}
	var ids []string
	for _, a := range agents {
		id, err := report.FindAgent(inv, a)
		if err != nil {
			return nil, &usageError{oneLine(err.Error())}
		}
		if !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	return ids, nil
}
