package secrets

import (
	"bytes"
	"encoding/base64"
	"regexp"

	"github.com/agentreach/agentreach/inventory"
)

func isKeyByte(b byte) bool { return isTokenByte(b) || b == '.' }

func isAlnum(b byte) bool {
	return ('0' <= b && b <= '9') || ('a' <= b && b <= 'z') || ('A' <= b && b <= 'Z')
}

// keySpan widens a keyword occurrence to the whole key name around it.
func keySpan(d []byte, at, kwEnd int) (ks, ke int) {
	ks, ke = at, kwEnd
	for ks > 0 && at-ks < 64 && isKeyByte(d[ks-1]) {
		ks--
	}
	for ke < len(d) && ke-kwEnd < 64 && isKeyByte(d[ke]) {
		ke++
	}
	return ks, ke
}

// keyStartOK reports whether a key name starting at ks begins a key in an
// assignment: at a line start or after a blank, a brace, a comma or "export".
func keyStartOK(d []byte, ks int) bool {
	i := ks
	if i > 0 && (d[i-1] == '"' || d[i-1] == '\'') {
		i--
	}
	if i == 0 {
		return true
	}
	switch d[i-1] {
	case '\n', '\r', ' ', '\t', '{', ',', '(', '[', ';', '|', '<':
		return true
	}
	return false
}

// valueAfter finds the value assigned to the key ending at ke: an optional
// closing quote, an assignment operator (=, :, :=, =>, or blanks for netrc),
// an optional opening quote and the value up to its closing quote or the end
// of the bare word. It never crosses a line.
func valueAfter(d []byte, ke int, blankSeparated bool) (vs, ve int, ok bool) {
	i := ke
	if i < len(d) && (d[i] == '"' || d[i] == '\'') {
		i++
	}
	sp := i
	for i < len(d) && (d[i] == ' ' || d[i] == '\t') {
		i++
	}
	if blankSeparated {
		if i == sp {
			return 0, 0, false
		}
	} else {
		switch {
		case i+1 < len(d) && (d[i] == ':' && d[i+1] == '=' || d[i] == '=' && d[i+1] == '>'):
			i += 2
		case i < len(d) && d[i] == '=':
			if i+1 < len(d) && d[i+1] == '=' {
				return 0, 0, false // a comparison
			}
			i++
		case i < len(d) && d[i] == ':':
			if i+1 < len(d) && d[i+1] != ' ' && d[i+1] != '\t' && d[i+1] != '"' && d[i+1] != '\'' {
				return 0, 0, false // "a:b" is not a YAML mapping
			}
			i++
		default:
			return 0, 0, false
		}
		for i < len(d) && (d[i] == ' ' || d[i] == '\t') {
			i++
		}
	}
	if i >= len(d) {
		return 0, 0, false
	}
	if q := d[i]; q == '"' || q == '\'' {
		i++
		vs = i
		for i < len(d) && i-vs < 4096 {
			switch d[i] {
			case q:
				return vs, i, i > vs
			case '\\':
				if i+1 < len(d) && d[i+1] == '\n' {
					return 0, 0, false // continued on the next line: not a one-line literal (a fuzzer's find)
				}
				i++
			case '\n':
				return 0, 0, false
			}
			i++
		}
		return 0, 0, false
	}
	vs = i
	for i < len(d) && i-vs < 4096 {
		c := d[i]
		if c <= ' ' || c == ',' || c == ';' || c == '"' || c == '\'' || c == '`' {
			break
		}
		i++
	}
	return vs, i, i > vs
}

// quotedAfterBlank reads a quoted value after blanks (SQL's PASSWORD
// 'value'), on the key's line.
func quotedAfterBlank(d []byte, ke int) (vs, ve int, ok bool) {
	i := ke
	for i < len(d) && (d[i] == ' ' || d[i] == '\t') {
		i++
	}
	if i == ke || i >= len(d) || d[i] != '\'' && d[i] != '"' {
		return 0, 0, false
	}
	q := d[i]
	vs = i + 1
	for j := vs; j < len(d) && j-vs < 4096; j++ {
		switch d[j] {
		case q:
			return vs, j, j > vs
		case '\n', '\\':
			return 0, 0, false
		}
	}
	return 0, 0, false
}

// keyWords splits a key name into lower-case words at _, -, ., blanks and
// camelCase boundaries: "dbPassword" → db password.
func keyWords(key []byte, buf [][]byte) [][]byte {
	words := buf[:0]
	start := 0
	flush := func(end int) {
		if end > start {
			w := make([]byte, end-start)
			for i := range w {
				w[i] = lowerTable[key[start+i]]
			}
			words = append(words, w)
		}
	}
	for i := 0; i < len(key); i++ {
		c := key[i]
		switch {
		case c == '_' || c == '-' || c == '.' || c == ' ':
			flush(i)
			start = i + 1
		case i > start && 'A' <= c && c <= 'Z' && 'a' <= key[i-1] && key[i-1] <= 'z':
			flush(i)
			start = i
		}
	}
	flush(len(key))
	return words
}

var (
	passwordWords = map[string]bool{"password": true, "passwd": true, "pass": true, "passphrase": true, "pwd": true, "pw": true,
		"dbpass": true, "dbpassword": true, "adminpassword": true, "rootpassword": true}
	secretWords = map[string]bool{"secret": true, "token": true, "apikey": true, "key": true, "credential": true, "credentials": true,
		"cred": true, "creds": true, "auth": true, "accesskey": true, "privatekey": true, "secretkey": true, "authtoken": true,
		"accesstoken": true, "apitoken": true, "clientsecret": true, "signingkey": true, "masterkey": true, "encryptionkey": true,
		"salt": true, "pat": true, "bearer": true, "webhook": true, "dsn": true}
	// deniedKeyWords name settings about secrets rather than secrets.
	deniedKeyWords = map[string]bool{"path": true, "file": true, "filename": true, "dir": true, "directory": true, "url": true,
		"uri": true, "endpoint": true, "host": true, "hostname": true, "name": true, "type": true, "length": true, "len": true,
		"size": true, "ttl": true, "expiry": true, "expires": true, "expiration": true, "timeout": true, "header": true,
		"policy": true, "public": true, "pub": true, "format": true, "prefix": true, "suffix": true, "field": true, "mode": true,
		"enabled": true, "enable": true, "disabled": true, "id": true, "hash": true, "hashed": true, "checksum": true,
		"digest": true, "sha": true, "sha1": true, "sha256": true, "fingerprint": true, "version": true, "count": true,
		"max": true, "min": true, "rotation": true, "algorithm": true, "alg": true, "location": true, "region": true,
		"provider": true, "store": true, "ref": true, "arn": true, "env": true, "method": true, "scope": true, "scopes": true,
		"issuer": true, "audience": true, "kind": true, "label": true, "description": true, "placeholder": true,
		"example": true, "hint": true, "regex": true, "pattern": true, "template": true, "schema": true, "usage": true,
		"limit": true, "required": true, "cache": true, "manager": true, "generator": true, "validation": true,
		"validator": true, "strength": true, "reset": true, "keyref": true, "secretref": true, "secretname": true,
		"secretkeyref": true, "keyid": true, "tokenurl": true, "type_": true, "style": true, "sort": true, "index": true,
		"column": true, "table": true, "query": true, "param": true, "parameter": true, "var": true, "variable": true,
		"input": true, "output": true, "mapping": true, "map": true, "class": true, "id_token": true, "login": true,
		"user": true, "username": true, "email": true, "owner": true, "expire": true, "lifetime": true, "interval": true,
		"data": true, "certificate": true, "cert": true, "crt": true, "anon": true, "publishable": true,
		"regexp": true, "glob": true}
)

// keyClass says whether a key names a password, another secret, or nothing
// worth reporting.
func keyClass(key []byte) (password, secret bool, words [][]byte) {
	var buf [12][]byte
	words = keyWords(key, buf[:])
	for _, w := range words {
		if deniedKeyWords[string(w)] {
			return false, false, words
		}
	}
	for i, w := range words {
		if passwordWords[string(w)] {
			password = true
		}
		// A project key (sonar.projectKey, JIRA_PROJECT_KEY) names a
		// project: an identifier in its public URL, not a credential.
		if secretWords[string(w)] && !(string(w) == "key" && i > 0 && string(words[i-1]) == "project") {
			secret = true
		}
	}
	return password, secret, words
}

var deniedValuePrefixes = [][]byte{[]byte("op://"), []byte("vault:"), []byte("arn:"), []byte("enc["), []byte("sm://"),
	[]byte("ref+"), []byte("file:"), []byte("env:"), []byte("secret:"), []byte("secretref:"), []byte("awskms:"),
	[]byte("azurekeyvault"), []byte("projects/"), []byte("sha256:"), []byte("sha512-"), []byte("sha384-"), []byte("sha1-"),
	[]byte("md5:"), []byte("keyvault:"), []byte("gcpkms:"), []byte("bws:"), []byte("doppler:"), []byte("infisical:"),
	[]byte("!ref"), []byte("!sub"), []byte("!getatt"), []byte("!secret"), []byte("!vault"), []byte("lookup("),
	[]byte("true"), []byte("false"), []byte("null"), []byte("none")}

// weakWords mark typed, guessable values that are never issued secrets.
var weakWords = [][]byte{[]byte("password"), []byte("passwd"), []byte("secret"), []byte("123456"), []byte("qwerty"),
	[]byte("letmein"), []byte("admin"), []byte("test"), []byte("default"), []byte("welcome"), []byte("foobar"),
	[]byte("mysql"), []byte("postgres"), []byte("root"), []byte("guest"), []byte("demo"), []byte("token"), []byte("local"),
	[]byte("development"), []byte("staging"), []byte("production"), []byte("fixme"), []byte("todo"),
	// reads from the environment, not values
	[]byte("environ"), []byte("getenv"), []byte("process.env"), []byte("env["), []byte("env.")}

// genericValueOK decides whether a value under a secret-like key is a
// credential: not an indirection, a reference, a placeholder, a word or a
// low-entropy string.
func genericValueOK(v []byte, password bool) bool {
	if len(v) < 8 || len(v) > 2048 {
		return false
	}
	if hasPlaceholder(v) || bytes.Contains(v, []byte("://")) {
		return false
	}
	switch v[0] {
	case '&', '*', '!', '@', '#', '~', '.', '/', '\\', '[', '(':
		return false
	}
	for _, p := range deniedValuePrefixes {
		if hasPrefixFold(v, p) {
			return false
		}
	}
	if hasWeakWord(v) {
		return false
	}
	if isDigits(v) || charClasses(v) < 2 || wordy(v) || notLiteral(v) || envNameShaped(v) || keyNameShaped(v) || evmAddress(v) || prose(v) {
		return false
	}
	if !password && len(v) < 16 {
		return false
	}
	return randomLooking(v)
}

// hasWeakWord reports a guessable word in v, however it is spelled
// (p@ssw0rd).
func hasWeakWord(v []byte) bool {
	plain := deLeet(v)
	for _, w := range weakWords {
		if containsFold(v, w) || containsFold(plain, w) {
			return true
		}
	}
	return false
}

// deLeet undoes the usual letter substitutions (p@ssw0rd → password), so
// that guessable values are recognised however they are spelled.
func deLeet(v []byte) []byte {
	out := make([]byte, len(v))
	for i, b := range v {
		switch b {
		case '@', '4':
			b = 'a'
		case '0':
			b = 'o'
		case '1', '!':
			b = 'i'
		case '3':
			b = 'e'
		case '$', '5':
			b = 's'
		case '7':
			b = 't'
		}
		out[i] = b
	}
	return out
}

// wordy reports identifier-like values: letters in words ("changeme",
// "MyAppSecret": few changes of case, unlike a random string), or
// separated segments that are all letters ("my-app-prod", "PROD_DB_SECRET").
func wordy(v []byte) bool {
	segs, letters := 0, true
	segLetters, allSegLetters := true, true
	caseChanges := 0
	for i, b := range v {
		isSep := b == '-' || b == '_' || b == '.' || b == ' ' || b == '/'
		isLetter := ('a' <= b && b <= 'z') || ('A' <= b && b <= 'Z')
		if !isSep && !isLetter {
			letters = false
			segLetters = false
		}
		if i > 0 && isLetter && isUpper(b) != isUpper(v[i-1]) {
			caseChanges++
		}
		if isSep || i == len(v)-1 {
			segs++
			if !segLetters {
				allSegLetters = false
			}
			segLetters = true
		}
	}
	if letters && segs <= 1 {
		return caseChanges <= len(v)/4
	}
	return letters || (segs >= 2 && allSegLetters) || wordsAndShortParts(v)
}

// wordsAndShortParts reports lower-case words joined by - or _ with short
// parts between them ("langfuse-s3-access", "my-app-v2-prod"): every part is
// a word of letters or at most three characters, and two parts or more are
// words of four letters or more. A random value has long mixed parts.
func wordsAndShortParts(v []byte) bool {
	words := 0
	for _, part := range bytes.FieldsFunc(v, func(r rune) bool { return r == '-' || r == '_' }) {
		allLower := true
		for _, b := range part {
			if !('a' <= b && b <= 'z') {
				allLower = false
			}
		}
		switch {
		case allLower && len(part) >= 4:
			words++
		case len(part) <= 3:
		default:
			return false
		}
	}
	return words >= 2
}

func isUpper(b byte) bool { return 'A' <= b && b <= 'Z' }

// envNameShaped reports the name of a variable rather than a value: upper
// case letters and digits in two or more segments joined by underscores, one
// of them a word of three or more letters (ERC7677_BUNDLER_RPC_URL, the key
// an ExternalSecret maps, an environment variable a setting names).
func envNameShaped(v []byte) bool {
	segs, word := 1, false
	seg := 0
	letters := true
	for i, b := range v {
		switch {
		case b == '_':
			if seg == 0 {
				return false
			}
			if letters && seg >= 3 {
				word = true
			}
			segs++
			seg, letters = 0, true
			continue
		case isUpper(b):
		case '0' <= b && b <= '9':
			letters = false
		default:
			return false
		}
		seg++
		if i == len(v)-1 && letters && seg >= 3 {
			word = true
		}
	}
	return seg > 0 && segs >= 2 && word
}

// keyNameShaped reports a lower-case snake_case name that ends in a word
// naming a credential (s3_access_key_id, db_password, api_token): the key
// an ExternalSecret or a settings map points at, not its value.
func keyNameShaped(v []byte) bool {
	parts := bytes.Split(v, []byte("_"))
	if len(parts) < 2 {
		return false
	}
	for _, p := range parts {
		if len(p) == 0 || len(p) > 12 {
			return false
		}
		for _, b := range p {
			if !('a' <= b && b <= 'z' || '0' <= b && b <= '9') {
				return false
			}
		}
	}
	switch string(parts[len(parts)-1]) {
	case "id", "key", "token", "secret", "password", "pass", "pwd", "credentials", "creds":
		return true
	}
	return false
}

// prose reports text for people rather than a generated value: a space
// between words, or a letter outside ASCII (a translated label or message
// under a password_* or *Key key of a locale file: "Contraseña",
// "Mot de passe incorrect."). Issued secrets and generated passwords are
// printable ASCII without spaces.
func prose(v []byte) bool {
	for i, b := range v {
		if b >= 0x80 || b == ' ' && i > 0 && i < len(v)-1 && v[i-1] != ' ' {
			return true
		}
	}
	return false
}

// evmAddress reports an Ethereum-style account or contract address (0x and
// 40 hex digits): public by nature, unlike a private key (64 hex digits).
func evmAddress(v []byte) bool {
	return len(v) == 42 && v[0] == '0' && (v[1] == 'x' || v[1] == 'X') && isHex(v[2:])
}

// reachOfKey infers what a generic secret reaches from the words of its key.
func reachOfKey(words [][]byte) (inventory.ReachClass, string) {
	for _, w := range words {
		switch string(w) {
		case "aws", "s3", "iam":
			return inventory.ReachCloud, "aws"
		case "gcp", "gcloud", "google", "firebase":
			return inventory.ReachCloud, "google"
		case "azure", "arm", "az":
			return inventory.ReachCloud, "azure"
		case "db", "database", "postgres", "postgresql", "pg", "mysql", "mariadb", "redis", "mongo", "mongodb", "sql",
			"dbpass", "dbpassword", "rds", "elastic", "elasticsearch", "snowflake", "clickhouse":
			return inventory.ReachDatabase, ""
		case "slack", "discord", "telegram", "teams", "mattermost":
			return inventory.ReachChat, string(w)
		case "openai", "anthropic", "claude", "gemini", "mistral", "cohere", "llm", "huggingface", "hf", "groq", "deepseek", "ollama":
			return inventory.ReachLLMAPI, string(w)
		case "stripe", "paypal", "braintree", "adyen", "square":
			return inventory.ReachPayments, string(w)
		case "npm", "pypi", "docker", "registry", "nuget", "maven", "artifactory", "nexus", "gem", "cargo":
			return inventory.ReachPackageRegistry, string(w)
		case "github", "gh", "gitlab", "gl", "bitbucket", "git":
			return inventory.ReachSourceControl, string(w)
		case "sentry", "datadog", "dd", "newrelic", "grafana", "honeycomb", "splunk":
			return inventory.ReachObservability, string(w)
		case "smtp", "mail", "email", "sendgrid", "mailgun", "twilio", "sms":
			return inventory.ReachMessaging, string(w)
		}
	}
	return inventory.ReachGeneric, ""
}

func genericFormats() []*Format {
	pw := &Format{ID: "generic-password", Title: "Password in a configuration file", Platform: "generic", Kind: kindPassword,
		Lifetime: static, Reach: inventory.ReachGeneric, ConfigOnly: true, Priority: 0,
		Keywords: []string{"pass", "pwd"}, keywordBound: boundKey}
	sec := &Format{ID: "generic-secret", Title: "Secret in a configuration file", Platform: "generic", Kind: kindGeneric,
		Lifetime: static, Reach: inventory.ReachGeneric, ConfigOnly: true, Priority: 0,
		Keywords: []string{"secret", "token", "key", "cred", "auth", "salt", "dsn", "bearer"}, keywordBound: boundKey}
	// In configuration files a match is a credential. In code, scanned
	// with candidates wanted (the analyzer), it is a candidate: reported
	// only where the same value is found as a credential elsewhere.
	find := func(s *scanState, at, kwEnd int) (hit, bool) {
		if s.kind != inventory.DetectConfig && !(s.kind == inventory.DetectCode && s.candidates) {
			return hit{}, false
		}
		d := s.data
		ks, ke := keySpan(d, at, kwEnd)
		if !keyStartOK(d, ks) {
			return hit{}, false
		}
		vs, ve, ok := valueAfter(d, ke, false)
		if !ok {
			vs, ve, ok = xmlElementValue(d, ks, ke)
		}
		if !ok && s.kind == inventory.DetectCode {
			vs, ve, ok = quotedAfterBlank(d, ke) // SQL: PASSWORD 'value'
		}
		// The value is checked as a password's first (the weaker test, and
		// cheaper than splitting the key), then as the key demands.
		if !ok || !genericValueOK(d[vs:ve], true) {
			return hit{}, false
		}
		password, secret, words := keyClass(d[ks:ke])
		if !password && !secret || len(words) == 1 && string(words[0]) == "key" {
			return hit{}, false // a bare "key" names anything
		}
		if len(words) == 1 && string(words[0]) == "salt" && bytes.Contains(d, []byte(`"kdfparams"`)) {
			// The salt of a keystore's key derivation (Web3 Secret Storage):
			// a public parameter stored beside the ciphertext.
			return hit{}, false
		}
		if !password && ve-vs < 16 || looksLikeJWT(d[vs:ve]) || !basicAuthOK(d[vs:ve]) || s.sealedSecret() {
			return hit{}, false
		}
		f := sec
		if password {
			f = pw
		}
		reach, platform := reachOfKey(words)
		h := hit{start: vs, end: ve, f: f, reach: reach, platform: platform, key: keyHash(d[ks:ke]), public: publicByDesign(words, d[vs:ve]),
			candidate: s.kind == inventory.DetectCode}
		for _, w := range words {
			if string(w) == "refresh" {
				h.lifetime = refresh
			}
		}
		return h, true
	}
	pw.Find, sec.Find = find, find
	pw.Samples = []Sample{
		{File: ".env", Text: "DB_HOST=db.internal\nDB_PASSWORD=⟦Z{pw:20}7aB⟧\n"},
		{File: "config/database.yml", Text: "production:\n  adapter: postgresql\n  password: \"⟦{a:24}⟧\"\n"},
		{File: "app.properties", Text: "spring.datasource.password=⟦{a:18}⟧\n"},
		{File: ".m2/settings.xml", Text: "<servers>\n  <server>\n    <id>releases</id>\n    <username>deploy</username>\n    <password>⟦{a:20}⟧</password>\n  </server>\n</servers>\n"},
		{File: "main.tf", Text: "resource \"db\" \"main\" {\n  username = \"admin\"\n  password = \"⟦{a:22}⟧\"\n}\n"},
	}
	pw.Negatives = []Sample{
		{File: ".env", Text: "DB_PASSWORD=changeme\nDB_PASSWORD_FILE=/run/secrets/db\nPASSWORD=${DB_PASSWORD}\n"},
		{File: "config.yml", Text: "password: password123\npassword_min_length: 12\npassword: \"{{ vault_db_password }}\"\nPASS: P@ssw0rd\npassword: p@ssw0rd1234\n"},
		{File: "settings.json", Text: `{"passwordPolicy": "strong-passwords-only", "password": "<your password>"}` + "\n"},
		{File: "app.ini", Text: "[db]\npassword = %(DB_PASS)s\nbypass_cache = 1a2b3c4d5e6f7a8b9c0d\n"},
		{File: "main.go", Text: "password := \"{a:24}\"\n"},
		{File: "pom.xml", Text: "<password>${env.REPO_PASSWORD}</password>\n<passwordPolicy>strict-mode-1</passwordPolicy>\n"},
	}
	sec.Samples = []Sample{
		{File: ".env", Text: "export SIGNING_SECRET=⟦{a:40}⟧\n"},
		{File: "config.toml", Text: "[service]\napi_key = \"⟦{h:32}⟧\"\n"},
		{File: "settings.json", Text: "{\n  \"clientSecret\": \"⟦{bu:34}⟧\",\n  \"clientId\": \"{h:32}\"\n}\n"},
		{File: "values.yaml", Text: "auth:\n  refresh_token: ⟦{a:48}⟧\n"},
	}
	sec.Negatives = []Sample{
		{File: "vectors.json", Text: "[{\"shared_secret\": \"{h:64}\"}, {\"shared_secret\": \"{h:64}\"},\n" +
			"{\"shared_secret\": \"{h:64}\"}, {\"shared_secret\": \"{h:64}\"}, {\"key\": \"{h:32}\"}]\n"},
		{File: "values.yaml", Text: "secretName: my-app-production-secret\ntokenizer: bert-base-uncased\nmax_tokens: 4096\n"},
		{File: "deploy.yml", Text: "env:\n  API_TOKEN: ${{ secrets.API_TOKEN }}\n  SECRET_KEY: $(cat /run/secret)\n  AUTH_TOKEN: $AUTH_TOKEN\n"},
		{File: "config.yml", Text: "token_url: https://auth.internal/oauth/token\nsecret_ref: vault:secret/data/app#token\nkey_id: {h:40}\n"},
		{File: "package-lock.json", Text: `{"integrity": "sha512-{b:86}==", "resolved": "https://registry.invalid/a/-/a-1.0.0.tgz"}` + "\n"},
		{File: "settings.json", Text: `{"api_key": "YOUR_API_KEY_HERE", "secret": "op://vault/item/field", "token": "ENC[AES256_GCM,data:{b:40}]"}` + "\n"},
		{File: "ids.yml", Text: "request_id: {h:8}-{h:4}-{h:4}-{h:4}-{h:12}\ncommit_sha: {h:40}\n"},
		{File: "sonar-project.properties", Text: "sonar.projectKey=acme_{la:6}_{bu:20}\nsonar.organization=acme\n"},
		{File: "externalsecret.yaml", Text: "spec:\n  data:\n    - secretKey: ERC7677_BUNDLER_RPC_URL\n      remoteRef: {key: bundler}\n"},
		{File: "values.yaml", Text: "externalSecret:\n  data:\n    - secretKey: s3_access_key_id\n      remoteRef: {key: lightbridge/s3}\n"},
		{File: "values.yaml", Text: "sync:\n  excludeProjectKeyRegexp: {la:4}\\.{la:6}\\.{h:8}\n"},
		{File: "coins.json", Text: `{"token": "0x{h:40}", "decimals": 18}` + "\n"},
		{File: ".env", Text: "LANGFUSE_S3_ACCESS_KEY=langfuse-s3-access\nMINIO_SECRET_KEY=minio-secret-v2-local\n"},
		{File: "locale/es/viewer.properties", Text: "password_label=Introduzca la contraseña para abrir este archivo PDF.\npassword_invalid=Contraseña no válida. Vuelva a intentarlo.\n"},
		{File: "locales/zh-CN.json", Text: `{"invalidEncryptionKey": "密钥必须包含22个字符。实时协作已被禁用。", "passwordHint": "请输入6-20个字符的密码"}` + "\n"},
		{File: "API.md", Text: `{"apiKey": "ctll_a1b2c3d4e5f6g7h8i9j0k1l2m3n4o5p6q7r8s9t0"}` + "\n"},
		{File: "keystore.json", Text: `{"crypto": {"kdf": "scrypt", "kdfparams": {"dklen": 32, "n": 262144, "salt": "{h:64}"}}}` + "\n"},
	}
	return []*Format{pw, sec}
}

// publicByDesign says why a value under a secret-like key is public by
// design: analytics project keys that every browser or app client sends.
func publicByDesign(words [][]byte, v []byte) string {
	for _, w := range words {
		if string(w) == "instrumentation" || string(w) == "instrumentationkey" {
			return "an Application Insights instrumentation key, an identifier that every telemetry client sends (Microsoft documents it as not secret)"
		}
	}
	if bytes.HasPrefix(v, []byte("phc_")) {
		return "a PostHog project API key, which every browser client sends (public by design; personal API keys start with phx_)"
	}
	return ""
}

// xmlElementValue reads <password>value</password> (Maven settings.xml and
// other XML configuration): the text of an element named by the key.
func xmlElementValue(d []byte, ks, ke int) (vs, ve int, ok bool) {
	if ks == 0 || d[ks-1] != '<' || ke >= len(d) || d[ke] != '>' {
		return 0, 0, false
	}
	vs = ke + 1
	i := vs
	for i < len(d) && i-vs < 1024 && d[i] != '<' && d[i] != '\n' {
		i++
	}
	if i >= len(d) || d[i] != '<' || i+1 >= len(d) || d[i+1] != '/' || i == vs {
		return 0, 0, false
	}
	return vs, i, true
}

// keyHash is a non-zero FNV-1a hash of a key name, ignoring case.
func keyHash(key []byte) uint64 {
	h := uint64(14695981039346656037)
	for _, b := range key {
		h ^= uint64(lowerTable[b])
		h *= 1099511628211
	}
	return h | 1
}

// looksLikeJWT reports the three-segment JWT shape: the JWT detector decides
// about those from their claims.
func looksLikeJWT(v []byte) bool {
	return bytes.HasPrefix(v, []byte("eyJ")) && bytes.Count(v, []byte{'.'}) == 2
}

// basicAuthOK checks base64 user:password values (docker and npm auth
// entries, basic-auth strings) by their password; other values pass.
func basicAuthOK(v []byte) bool {
	if len(v)%4 != 0 {
		return true
	}
	raw, err := base64.StdEncoding.DecodeString(string(v))
	if err != nil {
		return true
	}
	c := bytes.IndexByte(raw, ':')
	if c <= 0 {
		return true
	}
	for _, b := range raw {
		if b < ' ' || b > '~' {
			return true // not text: not a user:password pair
		}
	}
	return basicPasswordOK(raw[:c], raw[c+1:])
}

// keyed builds a format recognised by a specific key name and a value shape,
// in any file: DD_API_KEY=<32 hex>.
func keyed(id, title, platform string, kind inventory.CredentialKind, lifetime inventory.LifetimeClass,
	reach inventory.ReachClass, keys []string, value string, example string) *Format {
	re := regexp.MustCompile(`^(?:` + value + `)$`)
	f := &Format{ID: id, Title: title, Platform: platform, Kind: kind, Lifetime: lifetime, Reach: reach, Priority: 6, Keywords: keys,
		keywordBound: boundKey}
	f.Find = func(s *scanState, at, kwEnd int) (hit, bool) {
		d := s.data
		ks, ke := keySpan(d, at, kwEnd)
		if !keyStartOK(d, ks) {
			return hit{}, false
		}
		vs, ve, ok := valueAfter(d, ke, false)
		if !ok {
			return hit{}, false
		}
		v := d[vs:ve]
		if !re.Match(v) || (!isUUID(v) && !randomLooking(v)) || hasPlaceholder(v) || notLiteral(v) ||
			kind == kindPassword && hasWeakWord(v) {
			return hit{}, false
		}
		return hit{start: vs, end: ve, f: f}, true
	}
	f.Samples = []Sample{{File: "settings.py", Text: keys[0] + " = \"⟦" + example + "⟧\"\n"}}
	f.Negatives = []Sample{{File: "settings.py", Text: keys[0] + " = os.environ[\"" + keys[0] + "\"]\n" + keys[0] + "=\"${" + keys[0] + "}\"\n"}}
	return f
}

func structuredFormats() []*Format {
	cloud, db, obs, infra, llm, msg := inventory.ReachCloud, inventory.ReachDatabase, inventory.ReachObservability,
		inventory.ReachInfrastructure, inventory.ReachLLMAPI, inventory.ReachMessaging

	awsSecret := keyed("aws-secret-access-key", "AWS secret access key", "aws", kindSecretKey, static, cloud,
		[]string{"aws_secret_access_key", "secret_access_key", "secretaccesskey", "secret-access-key", "aws_secret_key", "aws-secret-key"},
		`[A-Za-z0-9/+]{40}`, "{b:40}")
	awsSecret.Samples = append(awsSecret.Samples,
		Sample{File: ".aws/credentials", Text: "[default]\nregion = eu-west-1\naws_secret_access_key = ⟦{b:40}⟧\n"},
		Sample{File: "creds.json", Text: "{\"Credentials\": {\"SecretAccessKey\": \"⟦{b:40}⟧\"}}\n"})
	awsSecret.Negatives = append(awsSecret.Negatives,
		Sample{File: "README.md", Text: "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n"})
	awsSession := keyed("aws-session-token", "AWS session token (temporary credentials)", "aws", kindSessionToken, short, cloud,
		[]string{"aws_session_token", "aws_security_token", "sessiontoken"}, `[A-Za-z0-9/+=]{100,1000}`, "IQoJb3JpZ2luX2Vj{b:300}")

	return append(urlCredentials(),
		awsSecret, awsSession,
		gcpServiceAccount(),
		kubeClientKey(),
		dockerAuth(),
		npmAuth(),
		netrc(),
		authHeader(),
		apiKeyHeader(),
		azureStorageKey(),
		azureSharedAccessKey(),
		azureClientSecret(),
		azureDevOpsPAT(),
		terraformToken(),
		telegramToken(),
		keyed("cloudflare-api-token", "Cloudflare API token", "cloudflare", kindAPIKey, static, infra,
			[]string{"cloudflare_api_token", "cf_api_token", "cloudflare_token", "cloudflare-api-token"}, `[A-Za-z0-9_-]{40}`, "{bu:40}"),
		keyed("cloudflare-global-api-key", "Cloudflare global API key", "cloudflare", kindAPIKey, static, infra,
			[]string{"cloudflare_api_key", "cf_api_key", "cloudflare_global_api_key", "cloudflare-api-key"}, `[a-f0-9]{37}`, "{h:37}"),
		keyed("datadog-api-key", "Datadog API key", "datadog", kindAPIKey, static, obs,
			[]string{"dd_api_key", "datadog_api_key", "dd-api-key", "datadog-api-key", "ddapikey"}, `[a-f0-9]{32}`, "{h:32}"),
		keyed("datadog-app-key", "Datadog application key", "datadog", kindAPIKey, static, obs,
			[]string{"dd_app_key", "dd_application_key", "datadog_app_key", "datadog_application_key", "dd-application-key"}, `[a-f0-9]{40}`, "{h:40}"),
		keyed("vercel-legacy-token", "Vercel access token (unprefixed)", "vercel", kindAPIKey, static, infra,
			[]string{"vercel_token", "vercel-token", "vercel_api_token"}, `[A-Za-z0-9]{24}`, "{a:24}"),
		keyed("twilio-auth-token", "Twilio auth token", "twilio", kindSecretKey, static, msg,
			[]string{"twilio_auth_token", "twilio-auth-token", "twilio_api_secret"}, `[a-zA-Z0-9]{32}`, "{h:32}"),
		keyed("azure-client-secret", "Azure AD application client secret", "azure", kindOAuthSecret, static, cloud,
			[]string{"azure_client_secret", "arm_client_secret", "azure-client-secret", "client_secret_azure"}, `[A-Za-z0-9_~.-]{32,44}`, "{bu:40}"),
		keyed("heroku-legacy-api-key", "Heroku API key (legacy UUID)", "heroku", kindAPIKey, static, infra,
			[]string{"heroku_api_key", "heroku-api-key", "heroku_api_token"}, `[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`, "{h:8}-{h:4}-{h:4}-{h:4}-{h:12}"),
		keyed("mistral-api-key", "Mistral AI API key", "mistral", kindAPIKey, static, llm,
			[]string{"mistral_api_key", "mistral-api-key"}, `[A-Za-z0-9]{32}`, "{a:32}"),
		keyed("cohere-api-key", "Cohere API key", "cohere", kindAPIKey, static, llm,
			[]string{"cohere_api_key", "co_api_key", "cohere-api-key"}, `[A-Za-z0-9]{40}`, "{a:40}"),
		keyed("deepseek-api-key", "DeepSeek API key", "deepseek", kindAPIKey, static, llm,
			[]string{"deepseek_api_key", "deepseek-api-key"}, `sk-[a-f0-9]{32}`, "sk-{h:32}"),
		keyed("okta-api-token", "Okta API token", "okta", kindAPIKey, static, inventory.ReachProductivity,
			[]string{"okta_api_token", "okta_token", "okta-api-token"}, `00[A-Za-z0-9_-]{40}`, "00{bu:40}"),
		keyed("snyk-api-token", "Snyk API token", "snyk", kindAPIKey, static, infra,
			[]string{"snyk_token", "snyk_api_token", "snyk-token"}, `[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`, "{h:8}-{h:4}-{h:4}-{h:4}-{h:12}"),
		keyed("mailchimp-api-key", "Mailchimp API key", "mailchimp", kindAPIKey, static, msg,
			[]string{"mailchimp_api_key", "mailchimp_key", "mailchimp-api-key"}, `[0-9a-f]{32}-us[0-9]{1,2}`, "{h:32}-us14"),
		keyed("elevenlabs-api-key", "ElevenLabs API key", "elevenlabs", kindAPIKey, static, llm,
			[]string{"elevenlabs_api_key", "xi_api_key", "elevenlabs-api-key"}, `(?:sk_)?[a-f0-9]{32,48}`, "sk_{h:48}"),
		keyed("postgres-password", "PostgreSQL password (PGPASSWORD)", "postgres", kindPassword, static, db,
			[]string{"pgpassword", "postgres_password", "mysql_root_password", "mysql_password", "mariadb_root_password"},
			`[^\s'"]{12,128}`, "{a:24}"),
	)
}

// gcpServiceAccount finds the private key of a Google service account key
// file (JSON with "type": "service_account").
func gcpServiceAccount() *Format {
	f := &Format{ID: "gcp-service-account-key", Title: "Google Cloud service account key (JSON)", Platform: "google",
		Kind: kindServiceAcct, Lifetime: static, Reach: inventory.ReachCloud, Priority: 20, pem: true, identity: pemIdentity,
		Keywords: []string{`"private_key"`}}
	f.Find = func(s *scanState, at, kwEnd int) (hit, bool) {
		if s.pemMisses >= maxPEMMisses {
			return hit{}, false
		}
		d := s.data
		vs, ve, ok := valueAfter(d, kwEnd-1, false)
		if !ok {
			// long values exceed valueAfter's bound: find the closing quote ourselves
			i := kwEnd
			for i < len(d) && (d[i] == ' ' || d[i] == ':' || d[i] == '\t') {
				i++
			}
			if i >= len(d) || d[i] != '"' {
				return hit{}, false
			}
			vs = i + 1
			j := bytes.IndexByte(d[vs:min(len(d), vs+maxPEM)], '"')
			if j < 0 {
				return hit{}, false
			}
			ve = vs + j
		}
		kw := bytes.Index(d[vs:ve], []byte("-----BEGIN "))
		if kw != 0 {
			return hit{}, false
		}
		start, end, _, _, _, ok := findPEMBlock(d, vs, vs+len("-----BEGIN "))
		if !ok {
			s.pemMisses++
			return hit{}, false
		}
		ctx := d[max(0, at-4096):min(len(d), ve+4096)]
		if !bytes.Contains(ctx, []byte("service_account")) && !bytes.Contains(ctx, []byte("gserviceaccount.com")) {
			return hit{}, false // a PEM key in JSON: the PEM detector reports it
		}
		return hit{start: start, end: end, f: f}, true
	}
	f.Samples = []Sample{{File: "sa.json", Text: "{\n  \"type\": \"service_account\",\n  \"project_id\": \"demo-[l:6]\",\n" +
		"  \"private_key_id\": \"{h:40}\",\n  \"private_key\": \"⟦{pemjson:PRIVATE KEY}⟧\",\n" +
		"  \"client_email\": \"ci@demo.iam.gserviceaccount.com\"\n}\n"}}
	f.Negatives = []Sample{{File: "sa.json", Text: "{\"type\": \"service_account\", \"private_key\": \"-----BEGIN PRIVATE KEY-----\\n...\\n-----END PRIVATE KEY-----\\n\"}\n"}}
	return f
}

// kubeClientKey finds client-key-data (a base64 PEM private key) in a
// kubeconfig.
func kubeClientKey() *Format {
	f := &Format{ID: "kubeconfig-client-key", Title: "Kubernetes client private key (kubeconfig)", Platform: "kubernetes",
		Kind: kindPrivateKey, Lifetime: static, Reach: inventory.ReachInfrastructure, Priority: 12,
		Keywords: []string{"client-key-data"}, keywordBound: boundKey}
	f.Find = func(s *scanState, at, kwEnd int) (hit, bool) {
		d := s.data
		i := kwEnd
		if i < len(d) && d[i] == '"' {
			i++
		}
		for i < len(d) && (d[i] == ' ' || d[i] == ':' || d[i] == '\t' || d[i] == '"') {
			i++
		}
		vs := i
		for i < len(d) && i-vs < 32<<10 && isBase64Byte(d[i]) && d[i] != '-' && d[i] != '_' {
			i++
		}
		if i-vs < 100 {
			return hit{}, false
		}
		raw := make([]byte, base64.StdEncoding.DecodedLen(i-vs))
		n, err := base64.StdEncoding.Decode(raw, d[vs:i])
		if err != nil || !bytes.Contains(raw[:n], []byte("PRIVATE KEY-----")) {
			return hit{}, false
		}
		return hit{start: vs, end: i, f: f}, true
	}
	f.Samples = []Sample{{File: ".kube/config", Text: "users:\n- name: admin\n  user:\n    client-certificate-data: {b64:-----BEGIN CERTIFICATE-----[b:200]}\n" +
		"    client-key-data: ⟦{b64:[pem:RSA PRIVATE KEY]}⟧\n"}}
	f.Negatives = []Sample{{File: ".kube/config", Text: "    client-key-data: {b64:not a key at all, just some text that is long enough to decode fine and more}\n"}}
	return f
}

// dockerAuth finds "auth" entries of a docker config.json: base64 of
// user:password.
func dockerAuth() *Format {
	f := &Format{ID: "docker-registry-auth", Title: "Container registry credentials (docker config.json auth)", Platform: "docker",
		Kind: kindPassword, Lifetime: static, Reach: inventory.ReachPackageRegistry, Priority: 5,
		Keywords: []string{`"auth"`, `"identitytoken"`}}
	f.Find = func(s *scanState, at, kwEnd int) (hit, bool) {
		d := s.data
		vs, ve, ok := valueAfter(d, kwEnd-1, false)
		if !ok || ve-vs < 12 {
			return hit{}, false
		}
		v := d[vs:ve]
		if hasPrefixFold(d[at:], []byte(`"identitytoken"`)) {
			if !randomLooking(v) {
				return hit{}, false
			}
			return hit{start: vs, end: ve, f: f, lifetime: refresh}, true
		}
		raw, err := base64.StdEncoding.DecodeString(string(v))
		if err != nil {
			return hit{}, false
		}
		c := bytes.IndexByte(raw, ':')
		if c <= 0 || !basicPasswordOK(raw[:c], raw[c+1:]) {
			return hit{}, false
		}
		return hit{start: vs, end: ve, f: f}, true
	}
	f.Samples = []Sample{{File: ".docker/config.json", Text: "{\"auths\": {\"registry.internal\": {\"auth\": \"⟦{b64:ci-bot:[a:32]}⟧\"}}}\n"}}
	f.Negatives = []Sample{{File: ".docker/config.json", Text: "{\"auths\": {\"registry.internal\": {\"auth\": \"{b64:user:password}\"}}, \"credsStore\": \"desktop\"}\n"}}
	return f
}

// basicPasswordOK checks the password half of user:password.
func basicPasswordOK(user, pass []byte) bool {
	if len(pass) < 6 || bytes.Equal(user, pass) || hasPlaceholder(pass) || wordLike(pass) || isEnvName(pass) {
		return false
	}
	plain := deLeet(pass)
	for _, w := range weakWords {
		if (containsFold(pass, w) || containsFold(plain, w)) && len(pass) < len(w)+6 {
			return false
		}
	}
	return len(pass) >= 16 && randomLooking(pass) || len(pass) < 16 && charClasses(pass) >= 2 && entropy(pass) >= 2.5
}

// npmAuth finds registry credentials in .npmrc: _authToken, _auth and
// _password.
func npmAuth() *Format {
	f := &Format{ID: "npm-registry-auth", Title: "npm registry credential (.npmrc)", Platform: "npm", Kind: kindAPIKey,
		Lifetime: static, Reach: inventory.ReachPackageRegistry, Priority: 5,
		Keywords: []string{"_authtoken", "_auth=", "_password="}, keywordBound: boundKey}
	f.Find = func(s *scanState, at, kwEnd int) (hit, bool) {
		d := s.data
		if at > 0 && d[at-1] != ':' && d[at-1] != '\n' && d[at-1] != ' ' {
			return hit{}, false // DB_PASSWORD= is not an npm setting
		}
		ke := kwEnd
		if d[ke-1] == '=' {
			ke--
		}
		vs, ve, ok := valueAfter(d, ke, false)
		if !ok || ve-vs < 12 {
			return hit{}, false
		}
		v := d[vs:ve]
		if hasPlaceholder(v) {
			return hit{}, false
		}
		if hasPrefixFold(d[at:], []byte("_authtoken")) {
			if !isUUID(v) && !randomLooking(v) {
				return hit{}, false
			}
			return hit{start: vs, end: ve, f: f}, true
		}
		raw, err := base64.StdEncoding.DecodeString(string(v))
		if err != nil {
			return hit{}, false
		}
		user, pass := []byte("npm"), raw
		if c := bytes.IndexByte(raw, ':'); c > 0 {
			user, pass = raw[:c], raw[c+1:]
		}
		if !basicPasswordOK(user, pass) {
			return hit{}, false
		}
		return hit{start: vs, end: ve, f: f}, true
	}
	f.Samples = []Sample{
		{File: ".npmrc", Text: "//registry.internal/:_authToken=⟦{h:8}-{h:4}-{h:4}-{h:4}-{h:12}⟧\n"},
		{File: ".npmrc", Text: "//registry.internal/:_auth=⟦{b64:ci:[a:24]}⟧\n"},
	}
	f.Negatives = []Sample{{File: ".npmrc", Text: "//registry.internal/:_authToken=${NPM_TOKEN}\nalways-auth=true\n"}}
	return f
}

// netrc finds passwords in .netrc files ("machine h login u password p").
func netrc() *Format {
	f := &Format{ID: "netrc-password", Title: "Password in .netrc", Platform: "generic", Kind: kindPassword, Lifetime: static,
		Reach: inventory.ReachGeneric, ConfigOnly: true, Priority: 5, Keywords: []string{"password"}, keywordBound: boundKey}
	f.Find = func(s *scanState, at, kwEnd int) (hit, bool) {
		d := s.data
		if s.kind != inventory.DetectNetrc || (at > 0 && !(d[at-1] == ' ' || d[at-1] == '\t' || d[at-1] == '\n')) {
			return hit{}, false
		}
		vs, ve, ok := valueAfter(d, kwEnd, true)
		if !ok {
			return hit{}, false
		}
		v := d[vs:ve]
		if len(v) < 6 || hasPlaceholder(v) || charClasses(v) < 2 && len(v) < 20 {
			return hit{}, false
		}
		h := hit{start: vs, end: ve, f: f}
		lo := max(0, at-lineWindow)
		line := d[lo+bytes.LastIndexByte(d[lo:at], '\n')+1 : at]
		if containsFold(line, []byte("github.com")) || containsFold(line, []byte("gitlab")) {
			h.reach = inventory.ReachSourceControl
		}
		return h, true
	}
	f.Samples = []Sample{{File: ".netrc", Text: "machine git.internal login ci password ⟦{a:32}⟧\n"}}
	f.Negatives = []Sample{{File: ".netrc", Text: "machine git.internal login ci password <token>\n"}}
	return f
}

var dbSchemes = map[string]inventory.ReachClass{
	"postgres": inventory.ReachDatabase, "postgresql": inventory.ReachDatabase, "mysql": inventory.ReachDatabase,
	"mariadb": inventory.ReachDatabase, "mongodb": inventory.ReachDatabase, "mongodb+srv": inventory.ReachDatabase,
	"redis": inventory.ReachDatabase, "rediss": inventory.ReachDatabase, "mssql": inventory.ReachDatabase,
	"sqlserver": inventory.ReachDatabase, "oracle": inventory.ReachDatabase, "clickhouse": inventory.ReachDatabase,
	"cockroachdb": inventory.ReachDatabase, "neo4j": inventory.ReachDatabase, "neo4j+s": inventory.ReachDatabase,
	"bolt": inventory.ReachDatabase, "couchdb": inventory.ReachDatabase, "cassandra": inventory.ReachDatabase,
	"memcached": inventory.ReachDatabase, "snowflake": inventory.ReachDatabase, "db2": inventory.ReachDatabase,
	"influxdb": inventory.ReachDatabase, "amqp": inventory.ReachMessaging, "amqps": inventory.ReachMessaging,
	"mqtt": inventory.ReachMessaging, "mqtts": inventory.ReachMessaging, "nats": inventory.ReachMessaging,
	"kafka": inventory.ReachMessaging, "smtp": inventory.ReachMessaging, "smtps": inventory.ReachMessaging,
	"ldap": inventory.ReachInfrastructure, "ldaps": inventory.ReachInfrastructure,
}

var urlSchemes = map[string]bool{"http": true, "https": true, "ftp": true, "ftps": true, "sftp": true, "ssh": true,
	"git": true, "git+https": true, "git+ssh": true, "svn": true, "ws": true, "wss": true, "s3": true}

// urlCredentials finds passwords in URLs: postgres://user:pass@host/db,
// https://user:token@git.host (.git-credentials).
func urlCredentials() []*Format {
	dbf := &Format{ID: "database-url-password", Title: "Password in a database or service connection URL", Platform: "generic",
		Kind: kindPassword, Lifetime: static, Reach: inventory.ReachDatabase, Priority: 4, Keywords: []string{"://"}}
	web := &Format{ID: "url-basic-auth", Title: "Credentials in a URL (basic auth)", Platform: "generic",
		Kind: kindPassword, Lifetime: static, Reach: inventory.ReachGeneric, Priority: 4}
	dbf.Find = func(s *scanState, at, kwEnd int) (hit, bool) {
		d := s.data
		ss := at
		for ss > 0 && at-ss < 24 && (isAlnum(d[ss-1]) || d[ss-1] == '+' || d[ss-1] == '-' || d[ss-1] == '.') {
			ss--
		}
		if ss == at {
			return hit{}, false
		}
		var sb [24]byte
		scheme := sb[:0]
		for _, b := range d[ss:at] {
			scheme = append(scheme, lowerTable[b])
		}
		reach, isDB := dbSchemes[string(scheme)]
		if !isDB && !urlSchemes[string(scheme)] {
			return hit{}, false
		}
		i, colon := kwEnd, -1
		for ; i < len(d) && i-kwEnd < 300; i++ {
			c := d[i]
			if c == '@' {
				break
			}
			if c == '/' || c == '?' || c == '#' || c <= ' ' || c == '"' || c == '\'' || c == '`' || c == '<' || c == '>' || c == '\\' {
				return hit{}, false
			}
			if c == ':' && colon < 0 {
				colon = i
			}
		}
		if i >= len(d) || d[i] != '@' || colon < 0 {
			return hit{}, false
		}
		user, pass := d[kwEnd:colon], d[colon+1:i]
		hs, he := i+1, i+1
		for he < len(d) && he-hs < 256 && (isAlnum(d[he]) || d[he] == '.' || d[he] == '-' || d[he] == '_') {
			he++
		}
		host := d[hs:he]
		if len(host) == 0 || containsFold(host, []byte("example")) || containsFold(host, []byte("host")) && len(host) <= 8 {
			return hit{}, false
		}
		if bytes.ContainsAny(pass, "${}<>()`*") || bytes.Contains(pass, []byte("%s")) || bytes.Contains(pass, []byte("%(")) {
			return hit{}, false
		}
		if isDB {
			if !basicPasswordOK(user, pass) {
				return hit{}, false
			}
			return hit{start: colon + 1, end: i, f: dbf, reach: reach}, true
		}
		if len(pass) < 12 || !randomLooking(pass) || notLiteral(pass) {
			return hit{}, false
		}
		h := hit{start: colon + 1, end: i, f: web}
		for _, scm := range []string{"github", "gitlab", "bitbucket", "dev.azure", "codeberg", "gitea"} {
			if containsFold(host, []byte(scm)) {
				h.reach, h.platform = inventory.ReachSourceControl, scm
			}
		}
		return h, true
	}
	dbf.Samples = []Sample{
		{File: ".env", Text: "DATABASE_URL=postgres://app:⟦{a:24}⟧@db.internal:5432/app\n"},
		{File: "settings.py", Text: "BROKER = \"amqp://worker:⟦{a:20}⟧@mq.internal:5672//\"\n"},
		{File: "App.java", Text: "String url = \"jdbc:mysql://svc:⟦{a:18}Q1⟧@10.0.0.5:3306/db\";\n"},
	}
	dbf.Negatives = []Sample{
		{File: "README.md", Text: "postgres://user:password@localhost:5432/db\nmysql://root:root@127.0.0.1/db\n"},
		{File: "docker-compose.yml", Text: "DATABASE_URL: postgres://postgres:${POSTGRES_PASSWORD}@db/app\n"},
		{File: "docs.md", Text: "mongodb+srv://admin:<password>@cluster0.mongodb.net/test\nredis://:{a:20}@redis.example.com:6379\n"},
	}
	web.Samples = []Sample{{File: ".git-credentials", Text: "https://ci-bot:⟦{a:40}⟧@git.internal\n"}}
	web.Negatives = []Sample{{File: "README.md", Text: "https://user:pass@host.invalid/path and https://golang.org/doc\n"}}
	return []*Format{dbf, web}
}

// authHeader finds credentials in Authorization headers written in scripts
// and configuration (curl -H "Authorization: Bearer …").
func authHeader() *Format {
	f := &Format{ID: "authorization-header", Title: "Credential in an Authorization header", Platform: "generic",
		Kind: kindAPIKey, Lifetime: unknown, Reach: inventory.ReachGeneric, Priority: 3, Keywords: []string{"authorization"}, keywordBound: boundKey}
	f.Find = func(s *scanState, at, kwEnd int) (hit, bool) {
		d := s.data
		i, ok := valueStart(d, kwEnd)
		if !ok {
			return hit{}, false
		}
		ws := i
		for i < len(d) && i-ws < 8 && (('a' <= d[i] && d[i] <= 'z') || ('A' <= d[i] && d[i] <= 'Z')) {
			i++
		}
		var sb [8]byte
		scheme := sb[:0]
		for _, b := range d[ws:i] {
			scheme = append(scheme, lowerTable[b])
		}
		if i >= len(d) || d[i] != ' ' {
			return hit{}, false
		}
		i++
		vs := i
		for i < len(d) && i-vs < 4096 && (isTokenByte(d[i]) || d[i] == '.' || d[i] == '~' || d[i] == '+' || d[i] == '/' || d[i] == '=') {
			i++
		}
		v := d[vs:i]
		if len(v) < 16 || bytes.HasPrefix(v, []byte("eyJ")) || (i < len(d) && (d[i] == '$' || d[i] == '{')) {
			return hit{}, false
		}
		switch string(scheme) {
		case "basic":
			raw, err := base64.StdEncoding.DecodeString(string(v))
			if err != nil {
				return hit{}, false
			}
			c := bytes.IndexByte(raw, ':')
			if c <= 0 || !basicPasswordOK(raw[:c], raw[c+1:]) {
				return hit{}, false
			}
		case "bearer", "token", "bot", "apikey", "key":
			if !randomLooking(v) || hasPlaceholder(v) || notLiteral(v) || wordy(v) || i < len(d) && d[i] == '(' {
				return hit{}, false
			}
		default:
			return hit{}, false
		}
		return hit{start: vs, end: i, f: f}, true
	}
	f.Samples = []Sample{
		{File: "deploy.sh", Text: "curl -fsS -H \"Authorization: Bearer ⟦{a:40}⟧\" https://api.internal/deploy\n"},
		{File: "client.py", Text: "headers = {\"Authorization\": \"Basic ⟦{b64:deploy:[a:20]}⟧\"}\n"},
	}
	f.Negatives = []Sample{
		{File: "deploy.sh", Text: "curl -H \"Authorization: Bearer $TOKEN\" https://api.internal\ncurl -H \"Authorization: Bearer ${API_TOKEN}\" x\n"},
		{File: "client.go", Text: "req.Header.Set(\"Authorization\", \"Bearer \"+token)\n// Authorization: Bearer <token>\n"},
		{File: "proxy.md", Text: "curl -H \"Authorization: Bearer change-this-proxy-key\" http://localhost:8317/v1/models\n"},
	}
	return f
}

// apiKeyHeader finds API keys in X-Api-Key style headers.
func apiKeyHeader() *Format {
	f := &Format{ID: "api-key-header", Title: "API key in an HTTP header", Platform: "generic", Kind: kindAPIKey,
		Lifetime: static, Reach: inventory.ReachGeneric, Priority: 3, Keywords: []string{"x-api-key", "private-token", "x-auth-token", "api-key:"}, keywordBound: boundKey}
	f.Find = func(s *scanState, at, kwEnd int) (hit, bool) {
		d := s.data
		ke := kwEnd
		if d[ke-1] == ':' {
			ke--
		}
		i, ok := valueStart(d, ke)
		if !ok {
			return hit{}, false
		}
		vs := i
		for i < len(d) && i-vs < 512 && (isTokenByte(d[i]) || d[i] == '.') {
			i++
		}
		v := d[vs:i]
		if len(v) < 20 || !randomLooking(v) || notLiteral(v) || (i < len(d) && (d[i] == '$' || d[i] == '{' || d[i] == '(')) {
			return hit{}, false
		}
		return hit{start: vs, end: i, f: f}, true
	}
	f.Samples = []Sample{{File: "call.sh", Text: "curl -H 'x-api-key: ⟦{a:32}⟧' https://api.internal\n"}}
	f.Negatives = []Sample{{File: "call.sh", Text: "curl -H \"X-Api-Key: $API_KEY\" https://api.internal\n"}}
	return f
}

func azureStorageKey() *Format {
	f := &Format{ID: "azure-storage-account-key", Title: "Azure storage account key", Platform: "azure", Kind: kindAccessKey,
		Lifetime: static, Reach: inventory.ReachCloud, Priority: 10, Keywords: []string{"accountkey="}, keywordBound: boundKey}
	f.Find = func(s *scanState, at, kwEnd int) (hit, bool) {
		d := s.data
		i := kwEnd
		for i < len(d) && i-kwEnd < 100 && isBase64Byte(d[i]) && d[i] != '-' && d[i] != '_' {
			i++
		}
		v := d[kwEnd:i]
		if len(v) != 88 || !bytes.HasSuffix(v, []byte("==")) || !randomLooking(v[:86]) {
			return hit{}, false
		}
		return hit{start: kwEnd, end: i, f: f}, true
	}
	f.Samples = []Sample{{File: "appsettings.json", Text: "{\"Storage\": \"DefaultEndpointsProtocol=https;AccountName=acct{la:6};AccountKey=⟦{b:86}==⟧;EndpointSuffix=core.windows.net\"}\n"}}
	f.Negatives = []Sample{{File: "appsettings.json", Text: "{\"Storage\": \"UseDevelopmentStorage=true;AccountKey=<key>\"}\n"}}
	return f
}

// azureSharedAccessKey finds SharedAccessKey=… in Service Bus, Event Hubs
// and IoT Hub connection strings.
func azureSharedAccessKey() *Format {
	f := &Format{ID: "azure-shared-access-key", Title: "Azure Service Bus / Event Hubs shared access key", Platform: "azure",
		Kind: kindAccessKey, Lifetime: static, Reach: inventory.ReachCloud, Priority: 10, Keywords: []string{"sharedaccesskey="},
		keywordBound: boundKey}
	f.Find = func(s *scanState, at, kwEnd int) (hit, bool) {
		d := s.data
		i := kwEnd
		for i < len(d) && i-kwEnd < 60 && isBase64Byte(d[i]) && d[i] != '-' && d[i] != '_' {
			i++
		}
		v := d[kwEnd:i]
		if len(v) != 44 || v[43] != '=' || !randomLooking(v[:43]) {
			return hit{}, false
		}
		return hit{start: kwEnd, end: i, f: f}, true
	}
	f.Samples = []Sample{{File: "local.settings.json", Text: "{\"Values\": {\"ServiceBus\": \"Endpoint=sb://ns{la:6}.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=⟦{b:43}=⟧\"}}\n"}}
	f.Negatives = []Sample{{File: "local.settings.json", Text: "{\"ServiceBus\": \"Endpoint=sb://x.servicebus.windows.net/;SharedAccessKeyName=Root;SharedAccessKey=<key>\"}\n"}}
	return f
}

func isAzureSecretByte(b byte) bool { return isTokenByte(b) || b == '~' || b == '.' }

// azureClientSecret finds Entra ID (Azure AD) client secrets: three
// characters, a digit, "Q~" and 31 to 34 more.
func azureClientSecret() *Format {
	f := &Format{ID: "azure-ad-client-secret", Title: "Azure AD (Entra ID) application client secret", Platform: "azure",
		Kind: kindOAuthSecret, Lifetime: static, Reach: inventory.ReachCloud, Priority: 10, Keywords: []string{"Q~"},
		next: base62Alphabet + "_~.-"}
	f.Find = func(s *scanState, at, kwEnd int) (hit, bool) {
		d := s.data
		if d[at] != 'Q' || at < 4 || !('0' <= d[at-1] && d[at-1] <= '9') {
			return hit{}, false
		}
		start := at - 4
		for _, b := range d[start:at] {
			if !isAzureSecretByte(b) {
				return hit{}, false
			}
		}
		if start > 0 && isAzureSecretByte(d[start-1]) && !afterEscape(d, start) {
			return hit{}, false
		}
		i := kwEnd
		for i < len(d) && i-kwEnd <= 34 && isAzureSecretByte(d[i]) {
			i++
		}
		if n := i - kwEnd; n < 31 || n > 34 || !randomLooking(d[start:i]) {
			return hit{}, false
		}
		return hit{start: start, end: i, f: f}, true
	}
	f.Example = "{bu:3}{d:1}Q~{bu:34}"
	return f
}

// azureDevOpsPAT finds the 84-character Azure DevOps PAT format with its
// "AZDO" signature.
func azureDevOpsPAT() *Format {
	f := &Format{ID: "azure-devops-pat", Title: "Azure DevOps personal access token", Platform: "azure-devops",
		Kind: inventory.KindPersonalAccessToken, Lifetime: static, Reach: inventory.ReachSourceControl, Priority: 10,
		Keywords: []string{"AZDO"}}
	f.Find = func(s *scanState, at, kwEnd int) (hit, bool) {
		d := s.data
		if string(d[at:kwEnd]) != "AZDO" || at < 76 || kwEnd+4 > len(d) {
			return hit{}, false
		}
		start, end := at-76, kwEnd+4
		for _, b := range d[start:end] {
			if !isAlnum(b) {
				return hit{}, false
			}
		}
		if (start > 0 && isTokenByte(d[start-1]) && !afterEscape(d, start)) || (end < len(d) && isTokenByte(d[end])) || !randomLooking(d[start:at]) {
			return hit{}, false
		}
		return hit{start: start, end: end, f: f}, true
	}
	f.Example = "{a:52}JQQJ99{a:18}AZDO{a:4}"
	return f
}

// terraformToken finds Terraform Cloud / HCP Terraform API tokens.
func terraformToken() *Format {
	f := &Format{ID: "terraform-cloud-token", Title: "HCP Terraform (Terraform Cloud) API token", Platform: "terraform",
		Kind: kindAPIKey, Lifetime: static, Reach: inventory.ReachInfrastructure, Priority: 10, Keywords: []string{".atlasv1."}}
	f.Find = func(s *scanState, at, kwEnd int) (hit, bool) {
		d := s.data
		if at < 14 {
			return hit{}, false
		}
		start := at - 14
		for _, b := range d[start:at] {
			if !isAlnum(b) {
				return hit{}, false
			}
		}
		i := kwEnd
		for i < len(d) && i-kwEnd <= 70 && (isTokenByte(d[i]) || d[i] == '=') {
			i++
		}
		if n := i - kwEnd; n < 60 || n > 70 || (start > 0 && isTokenByte(d[start-1]) && !afterEscape(d, start)) || !randomLooking(d[kwEnd:i]) {
			return hit{}, false
		}
		return hit{start: start, end: i, f: f}, true
	}
	f.Example = "{a:14}.atlasv1.{bu:67}"
	return f
}

// telegramToken finds Telegram bot tokens: a numeric bot id, ":AA" and 33
// more characters.
func telegramToken() *Format {
	f := &Format{ID: "telegram-bot-token", Title: "Telegram bot token", Platform: "telegram", Kind: kindBotToken,
		Lifetime: static, Reach: inventory.ReachChat, Priority: 10, Keywords: []string{":AA"}}
	f.Find = func(s *scanState, at, kwEnd int) (hit, bool) {
		d := s.data
		if string(d[at:kwEnd]) != ":AA" {
			return hit{}, false
		}
		start := at
		for start > 0 && at-start <= 10 && '0' <= d[start-1] && d[start-1] <= '9' {
			start--
		}
		if n := at - start; n < 8 || n > 10 || (start > 0 && isTokenByte(d[start-1]) && !afterEscape(d, start)) {
			return hit{}, false
		}
		i := kwEnd
		for i < len(d) && i-kwEnd <= 33 && isTokenByte(d[i]) {
			i++
		}
		if i-kwEnd != 33 || !randomLooking(d[kwEnd:i]) {
			return hit{}, false
		}
		return hit{start: start, end: i, f: f}, true
	}
	f.Example = "{d:10}:AA{bu:33}"
	return f
}

// valueStart skips, after a key that ends at i, an optional closing quote,
// blanks, one separator (':', '=' or ','), and blanks and opening quotes; it
// returns where the value starts, or false when no separator follows.
func valueStart(d []byte, i int) (int, bool) {
	if i < len(d) && (d[i] == '"' || d[i] == '\'') {
		i++
	}
	for i < len(d) && (d[i] == ' ' || d[i] == '\t') {
		i++
	}
	if i >= len(d) || (d[i] != ':' && d[i] != '=' && d[i] != ',') {
		return i, false
	}
	i++
	for i < len(d) && (d[i] == ' ' || d[i] == '\t' || d[i] == '"' || d[i] == '\'') {
		i++
	}
	return i, true
}
