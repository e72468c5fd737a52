package inventory

import (
	"encoding/json"
	"fmt"
	"slices"
	"testing"
)

func TestLevelOrderAndParse(t *testing.T) {
	t.Parallel()
	if !(None < Read && Read < Write && Write < Admin) {
		t.Fatal("lattice order broken")
	}
	for _, s := range []string{"none", "READ", " write ", "admin"} {
		if _, err := ParseLevel(s); err != nil {
			t.Errorf("ParseLevel(%q): %v", s, err)
		}
	}
	if _, err := ParseLevel("owner"); err == nil {
		t.Error("ParseLevel(owner) accepted an unknown level")
	}
}

func TestJoinMeetLeqExceeds(t *testing.T) {
	t.Parallel()
	a := Permissions{ResContents: Write, ResIssues: Read}
	b := Permissions{ResContents: Read, ResSecrets: Admin}
	j := a.Join(b)
	if want := (Permissions{ResContents: Write, ResIssues: Read, ResSecrets: Admin}); !j.Equal(want) {
		t.Errorf("Join = %v, want %v", j, want)
	}
	m := a.Meet(b)
	if want := (Permissions{ResContents: Read}); !m.Equal(want) {
		t.Errorf("Meet = %v, want %v", m, want)
	}
	if !m.Leq(a) || !m.Leq(b) || !a.Leq(j) || !b.Leq(j) {
		t.Error("meet/join are not bounds")
	}
	if a.Leq(b) {
		t.Error("a ≤ b although contents write > read")
	}
	ex := a.Exceeds(b)
	want := []Excess{{ResContents, Write, Read}, {ResIssues, Read, None}}
	if !slices.Equal(ex, want) {
		t.Errorf("Exceeds = %v, want %v", ex, want)
	}
	if got := (Permissions{}).Exceeds(a); len(got) != 0 {
		t.Errorf("empty set exceeds: %v", got)
	}
	if !a.HasWrite() || (Permissions{ResIssues: Read}).HasWrite() {
		t.Error("HasWrite wrong")
	}
	if a.Max() != Write || (Permissions{}).Max() != None {
		t.Error("Max wrong")
	}
}

func TestPermissionsJSONRoundTrip(t *testing.T) {
	t.Parallel()
	p := Permissions{ResContents: Write, ResIDToken: Write, ResMetadata: Read, ResIssues: None}
	b, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(b), `{"contents":"write","id_token":"write","metadata":"read"}`; got != want {
		t.Errorf("marshal = %s, want %s", got, want)
	}
	var back Permissions
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if !back.Equal(p) {
		t.Errorf("round trip = %v, want %v", back, p)
	}
	if err := json.Unmarshal([]byte(`{"contents":"owner"}`), &back); err == nil {
		t.Error("unknown level accepted")
	}
}

func TestFromGitHubPermissions(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		in      map[string]string
		want    Permissions
		unknown []string
		wantErr bool
	}{
		{"fine-grained contents+workflows", map[string]string{"contents": "write", "workflows": "write", "metadata": "read"},
			Permissions{ResContents: Write, ResWorkflows: Write, ResMetadata: Read}, nil, false},
		{"app org admin", map[string]string{"organization_administration": "write", "members": "read"},
			Permissions{ResOrgAdministration: Write, ResMembers: Read}, nil, false},
		{"secrets family joins", map[string]string{"secrets": "read", "dependabot_secrets": "write"},
			Permissions{ResSecrets: Write}, nil, false},
		{"admin level", map[string]string{"administration": "admin"}, Permissions{ResAdministration: Admin}, nil, false},
		{"unknown kept and reported", map[string]string{"new_thing": "write"}, Permissions{"new_thing": Write}, []string{"new_thing"}, false},
		{"bad level", map[string]string{"contents": "maybe"}, nil, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, unknown, err := FromGitHubPermissions(tt.in)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tt.wantErr)
			}
			if tt.wantErr {
				return
			}
			if !got.Equal(tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
			if !slices.Equal(unknown, tt.unknown) {
				t.Errorf("unknown = %v, want %v", unknown, tt.unknown)
			}
		})
	}
}

func TestFromClassicScopes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		scopes  []string
		check   map[Resource]Level
		unknown []string
	}{
		{[]string{"repo"}, map[Resource]Level{ResContents: Write, ResAdministration: Admin, ResWorkflows: None}, nil},
		{[]string{"repo", "workflow"}, map[Resource]Level{ResWorkflows: Write}, nil},
		{[]string{"public_repo"}, map[Resource]Level{ResContents: Write, ResAdministration: None}, nil},
		{[]string{"read:org"}, map[Resource]Level{ResMembers: Read, ResOrgAdministration: Read}, nil},
		{[]string{"admin:org"}, map[Resource]Level{ResOrgAdministration: Admin, ResMembers: Admin}, nil},
		{[]string{"delete_repo"}, map[Resource]Level{ResAdministration: Admin}, nil},
		{[]string{"write:packages", "read:packages"}, map[Resource]Level{ResPackages: Write}, nil},
		{[]string{"admin:enterprise"}, map[Resource]Level{ResEnterprise: Admin}, nil},
		{[]string{"", " gist "}, map[Resource]Level{ResGists: Write}, nil},
		{[]string{"repo:weird"}, map[Resource]Level{}, []string{"repo:weird"}},
	}
	for _, tt := range tests {
		got, unknown := FromClassicScopes(tt.scopes)
		for r, l := range tt.check {
			if got.Get(r) != l {
				t.Errorf("%v: %s = %v, want %v", tt.scopes, r, got.Get(r), l)
			}
		}
		if !slices.Equal(unknown, tt.unknown) {
			t.Errorf("%v: unknown = %v, want %v", tt.scopes, unknown, tt.unknown)
		}
	}
}

func TestFromWorkflowPermissions(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		all     string
		scopes  map[string]string
		check   map[Resource]Level
		write   bool
		wantErr bool
	}{
		{"empty map is {}", "", map[string]string{}, map[Resource]Level{ResContents: None, ResMetadata: Read}, false, false},
		{"nil map is {}", "", nil, map[Resource]Level{ResContents: None}, false, false},
		{"read-all", "read-all", nil, map[Resource]Level{ResContents: Read, ResPullRequests: Read, ResIDToken: None}, false, false},
		{"write-all", "write-all", nil, map[Resource]Level{ResContents: Write, ResIDToken: Write, ResWorkflows: None}, true, false},
		{"map", "", map[string]string{"contents": "read", "pull-requests": "write", "id-token": "write"},
			map[Resource]Level{ResContents: Read, ResPullRequests: Write, ResIDToken: Write, ResIssues: None}, true, false},
		{"none drops", "", map[string]string{"contents": "none"}, map[Resource]Level{ResContents: None}, false, false},
		{"unknown scope", "", map[string]string{"everything": "write"}, nil, false, true},
		{"bad level", "", map[string]string{"contents": "admin"}, nil, false, true},
		{"bad all", "read-some", nil, nil, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := FromWorkflowPermissions(tt.all, tt.scopes)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tt.wantErr)
			}
			if tt.wantErr {
				return
			}
			for r, l := range tt.check {
				if got.Get(r) != l {
					t.Errorf("%s = %v, want %v", r, got.Get(r), l)
				}
			}
			if got.HasWrite() != tt.write {
				t.Errorf("HasWrite = %v, want %v (%v)", got.HasWrite(), tt.write, got)
			}
		})
	}
}

func TestGitHubTokenDefault(t *testing.T) {
	t.Parallel()
	perm := GitHubTokenDefault(false)
	if perm.Get(ResContents) != Write || perm.Get(ResIDToken) != None || perm.Get(ResPullRequests) != Write {
		t.Errorf("permissive default = %v", perm)
	}
	restricted := GitHubTokenDefault(true)
	if restricted.HasWrite() || restricted.Get(ResContents) != Read || restricted.Get(ResPackages) != Read {
		t.Errorf("restricted default = %v", restricted)
	}
	if !restricted.Leq(perm) {
		t.Error("restricted default is not below the permissive one")
	}
	all, _ := FromWorkflowPermissions("write-all", nil)
	if !perm.Leq(all) {
		t.Error("permissive default exceeds write-all")
	}
}

func TestRepoRole(t *testing.T) {
	t.Parallel()
	order := []string{"none", "read", "triage", "write", "maintain", "admin"}
	var prev Permissions
	for _, role := range order {
		p, err := RepoRole(role)
		if err != nil {
			t.Fatal(err)
		}
		if prev != nil && !prev.Leq(p) {
			t.Errorf("%s is not above the previous role: %v vs %v", role, prev, p)
		}
		prev = p
	}
	if p, _ := RepoRole("push"); p.Get(ResContents) != Write {
		t.Error("push alias")
	}
	if _, err := RepoRole("superuser"); err == nil {
		t.Error("unknown role accepted")
	}
	admin, _ := RepoRole("admin")
	if admin.Get(ResAdministration) != Admin || admin.Get(ResSecrets) != Admin {
		t.Errorf("admin = %v", admin)
	}
}

func TestGitLabScopesAndLevels(t *testing.T) {
	t.Parallel()
	api, unknown := FromGitLabScopes([]string{"api"})
	if len(unknown) != 0 || api.Get(ResContents) != Write || api.Get(ResVariables) != Admin {
		t.Errorf("api = %v", api)
	}
	ro, _ := FromGitLabScopes([]string{"read_api", "read_repository"})
	if ro.HasWrite() {
		t.Errorf("read scopes write: %v", ro)
	}
	if !ro.Leq(api) {
		t.Error("read_api exceeds api")
	}
	sudo, _ := FromGitLabScopes([]string{"sudo"})
	if sudo.Get(ResInstance) != Admin {
		t.Error("sudo is not instance admin")
	}
	reg, _ := FromGitLabScopes([]string{"write_registry", "read_package_registry"})
	if reg.Get(ResRegistry) != Write || reg.Get(ResPackages) != Read {
		t.Errorf("deploy token scopes = %v", reg)
	}
	if _, unknown := FromGitLabScopes([]string{"read_everything"}); !slices.Equal(unknown, []string{"read_everything"}) {
		t.Errorf("unknown = %v", unknown)
	}

	levels := []int{GitLabNoAccess, GitLabGuest, GitLabReporter, GitLabDeveloper, GitLabMaintainer, GitLabOwner, GitLabAdmin}
	var prev Permissions
	for _, l := range levels {
		p, err := FromGitLabAccessLevel(l)
		if err != nil {
			t.Fatal(err)
		}
		if prev != nil && !prev.Leq(p) {
			t.Errorf("level %d is not above the previous level", l)
		}
		prev = p
	}
	dev, _ := FromGitLabAccessLevel(GitLabDeveloper)
	if dev.Get(ResContents) != Write || dev.Get(ResVariables) != None {
		t.Errorf("developer = %v", dev)
	}
	owner, _ := FromGitLabAccessLevel(GitLabOwner)
	if owner.Get(ResAdministration) != Admin {
		t.Errorf("owner = %v", owner)
	}
	if _, err := FromGitLabAccessLevel(35); err == nil {
		t.Error("unknown level accepted")
	}
	if GitLabAccessLevelName(40) != "maintainer" {
		t.Error("level name")
	}
}

func TestAudienceCap(t *testing.T) {
	t.Parallel()
	job := Permissions{ResContents: Write, ResIssues: Write, ResActions: Read, ResIDToken: Write}
	for _, tc := range []struct {
		aud  Audience
		want []Resource // where the job token exceeds what the audience holds
		ok   bool
	}{
		{AudienceAnyone, []Resource{ResContents, ResIDToken, ResIssues}, true},
		{AudienceCommenters, []Resource{ResContents, ResIDToken, ResIssues}, true},
		{AudienceWrite, []Resource{ResIDToken}, true},
		{AudienceMaintainers, []Resource{ResIDToken}, true},
		{AudienceSchedule, nil, false},
		{AudienceLocalUser, nil, false},
	} {
		cap, ok := AudienceCap(tc.aud)
		if ok != tc.ok {
			t.Errorf("%s: ok = %v", tc.aud, ok)
			continue
		}
		if !ok {
			continue
		}
		var got []Resource
		for _, e := range job.Exceeds(cap) {
			got = append(got, e.Resource)
		}
		if fmt.Sprint(got) != fmt.Sprint(tc.want) {
			t.Errorf("%s: excess %v, want %v", tc.aud, got, tc.want)
		}
		if tc.aud != AudienceMaintainers && cap.Get(ResSecrets) > Read {
			t.Errorf("%s: cap grants secrets", tc.aud)
		}
	}
}
