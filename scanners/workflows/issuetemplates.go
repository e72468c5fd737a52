package workflows

import (
	"bytes"
	"io"
	"io/fs"
	"path"
	"slices"
	"strings"

	"go.yaml.in/yaml/v4"
)

// Issue templates apply labels to the issues opened with them
// (.github/ISSUE_TEMPLATE/*.md front matter `labels:`, issue forms'
// `labels:`): whoever opens an issue from one gets the label on it, so a
// workflow's check that an opened issue carries such a label admits anyone.
const (
	issueTemplateDir      = ".github/ISSUE_TEMPLATE"
	maxIssueTemplates     = 64
	maxIssueTemplateBytes = 64 << 10
	issueTemplateBudget   = 10_000 // YAML nodes read per template
)

// issueTemplateLabels returns the labels (lower case) the repository's issue
// templates apply, read once per source; empty when the source has no file
// system (an API scan) or no templates.
func (r *resolver) issueTemplateLabels() map[string]bool {
	if r.templateLabels != nil {
		return r.templateLabels
	}
	r.templateLabels = map[string]bool{}
	if r.fsys == nil {
		return r.templateLabels
	}
	entries, err := fs.ReadDir(r.fsys, issueTemplateDir)
	if err != nil {
		return r.templateLabels
	}
	n := 0
	for _, e := range entries {
		if n == maxIssueTemplates {
			break
		}
		name := e.Name()
		ext := strings.ToLower(path.Ext(name))
		if !e.Type().IsRegular() || strings.EqualFold(name, "config.yml") || ext != ".md" && ext != ".yml" && ext != ".yaml" {
			continue
		}
		n++
		fh, err := r.fsys.Open(issueTemplateDir + "/" + name)
		if err != nil {
			continue
		}
		data, err := io.ReadAll(io.LimitReader(fh, maxIssueTemplateBytes+1))
		fh.Close()
		if err != nil || len(data) > maxIssueTemplateBytes {
			continue
		}
		for _, l := range templateLabels(data, ext == ".md") {
			r.templateLabels[strings.ToLower(l)] = true
		}
	}
	return r.templateLabels
}

// templateLabels reads the labels: of an issue template: the YAML front
// matter of a Markdown template, or an issue form. A label list is a YAML
// sequence or a comma-separated string.
func templateLabels(data []byte, markdown bool) []string {
	if markdown {
		data = bytes.TrimLeft(data, "\ufeff")
		rest, ok := bytes.CutPrefix(data, []byte("---"))
		if !ok {
			return nil
		}
		end := bytes.Index(rest, []byte("\n---"))
		if end < 0 {
			return nil
		}
		data = rest[:end]
	}
	if checkYAMLSize(data) != nil {
		return nil
	}
	var doc yaml.Node
	if yaml.Unmarshal(data, &doc) != nil {
		return nil
	}
	budget := issueTemplateBudget
	root := newRoot(&doc, &budget)
	if !root.isMap() {
		return nil
	}
	var out []string
	for _, v := range root.get("labels").strs() {
		for _, l := range strings.Split(v, ",") {
			if l = strings.Trim(strings.TrimSpace(l), `"'`); l != "" && !slices.Contains(out, l) {
				out = append(out, l)
			}
		}
	}
	return out
}
