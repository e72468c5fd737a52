package secrets

import (
	"bytes"
	"strings"

	"github.com/agentreach/agentreach/inventory"
)

// Kinds of embedded credentials beyond the inventory's platform kinds.
const (
	kindAPIKey        inventory.CredentialKind = "api-key"
	kindAccessKey     inventory.CredentialKind = "access-key"
	kindSecretKey     inventory.CredentialKind = "secret-key"
	kindSessionToken  inventory.CredentialKind = "session-token"
	kindOAuthToken    inventory.CredentialKind = "oauth-token"
	kindOAuthSecret   inventory.CredentialKind = "oauth-client-secret"
	kindServiceToken  inventory.CredentialKind = "service-token"
	kindWebhook       inventory.CredentialKind = "webhook-url"
	kindBotToken      inventory.CredentialKind = "bot-token"
	kindPassword      inventory.CredentialKind = "password"
	kindPrivateKey    inventory.CredentialKind = "private-key"
	kindServiceAcct   inventory.CredentialKind = "service-account-key"
	kindJWT           inventory.CredentialKind = "jwt"
	kindTriggerToken  inventory.CredentialKind = "pipeline-trigger-token"
	kindRegistration  inventory.CredentialKind = "runner-registration-token"
	kindFeedToken     inventory.CredentialKind = "feed-token"
	kindWebhookSecret inventory.CredentialKind = "webhook-secret"
	kindGeneric       inventory.CredentialKind = "generic-secret"
)

const (
	static  = inventory.LifetimeStatic
	short   = inventory.LifetimeShortLived
	refresh = inventory.LifetimeRefresh
	unknown = inventory.LifetimeUnknown
)

// onLineWith accepts a match only when its line (before it) names one of
// the words: for prefixes such as "key-" that hashes and cache keys share.
func onLineWith(f *Format, words ...string) *Format {
	f.refine = func(s *scanState, start, _ int) *Format {
		lo := max(0, start-200)
		line := s.data[lo+bytes.LastIndexByte(s.data[lo:start], '\n')+1 : start]
		for _, w := range words {
			if containsFold(line, []byte(w)) {
				return f
			}
		}
		return nil
	}
	return f
}

// moreSpecific raises a format above a shorter prefix that matches the same
// values (sk-proj- over sk-).
func moreSpecific(f *Format) *Format {
	f.Priority++
	return f
}

func nextBytes(f *Format, next string) *Format {
	f.next = next
	return f
}

func githubFormat(prefix, id, title string, kind inventory.CredentialKind, lifetime inventory.LifetimeClass) *Format {
	f := prefixed(id, title, inventory.PlatformGitHub, kind, lifetime, inventory.ReachSourceControl,
		[]string{prefix}, `[A-Za-z0-9]{36}`, 40)
	f.Verify, f.Checksum, f.checksumTail = verifyCRC32Base62(len(prefix)), true, crc32Tail
	return f.with(prefix+"{ghcrc:30}", prefix+"{a:36}", prefix+"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx")
}

// gitlabBody covers legacy 20-character tokens and routable tokens
// (payload, a dot, two version and seven checksum characters).
const gitlabBody = `(?:[A-Za-z0-9_-]{27,300}\.[0-9a-z]{9}|[A-Za-z0-9_-]{20})`

func gitlabFormat(prefix, id, title string, kind inventory.CredentialKind, lifetime inventory.LifetimeClass) *Format {
	f := prefixed(id, title, inventory.PlatformGitLab, kind, lifetime, inventory.ReachSourceControl,
		[]string{prefix}, gitlabBody, 320)
	f.checksumTail = gitlabTail
	return f.with(prefix+"{bu:20}", prefix+"xxxxxxxxxxxxxxxxxxxx", prefix+"<your-token>", prefix+"{a:8}")
}

func sourceControlFormats() []*Format {
	fg := prefixed("github-fine-grained-pat", "GitHub fine-grained personal access token", inventory.PlatformGitHub,
		inventory.KindFineGrainedPAT, static, inventory.ReachSourceControl,
		[]string{"github_pat_"}, `[A-Za-z0-9]{22}_[A-Za-z0-9]{59}`, 93).
		with("github_pat_{a:22}_{a:59}", "github_pat_{a:22}_{a:40}", "github_pat_11AAAAAAAAAAAAAAAAAAAAAA_"+
			"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx")
	glpat := gitlabFormat("glpat-", "gitlab-personal-access-token", "GitLab personal, project or group access token",
		inventory.KindPersonalAccessToken, static)
	glpat.Samples = append(glpat.Samples, Sample{File: "config.yml", Text: "token: ⟦glpat-{bu:40}.01{la:7}⟧\n"})
	return []*Format{
		githubFormat("ghp_", "github-classic-pat", "GitHub classic personal access token", inventory.KindClassicPAT, static),
		githubFormat("gho_", "github-oauth-token", "GitHub OAuth app access token", inventory.KindOAuthAppToken, static).
			samples(Sample{File: ".config/gh/hosts.yml", Text: "github.com:\n    user: octo\n    oauth_token: ⟦gho_{ghcrc:30}⟧\n    git_protocol: https\n"}),
		githubFormat("ghu_", "github-user-to-server-token", "GitHub App user-to-server token", inventory.KindUserToServerToken, short),
		githubFormat("ghs_", "github-installation-token", "GitHub App installation token", inventory.KindInstallationToken, short),
		githubFormat("ghr_", "github-refresh-token", "GitHub App refresh token", inventory.KindRefreshToken, refresh),
		fg,
		glpat,
		gitlabFormat("gldt-", "gitlab-deploy-token", "GitLab deploy token", inventory.KindDeployToken, static),
		gitlabFormat("glrt-", "gitlab-runner-token", "GitLab runner authentication token", inventory.KindRunner, static),
		gitlabFormat("glrtr-", "gitlab-runner-registration-token", "GitLab runner registration token", kindRegistration, static),
		gitlabFormat("glptt-", "gitlab-pipeline-trigger-token", "GitLab pipeline trigger token", kindTriggerToken, static),
		gitlabFormat("glcbt-", "gitlab-ci-job-token", "GitLab CI/CD job token", inventory.KindWorkflowToken, short),
		gitlabFormat("glft-", "gitlab-feed-token", "GitLab feed token", kindFeedToken, static),
		prefixed("gitlab-oauth-app-secret", "GitLab OAuth application secret", inventory.PlatformGitLab, kindOAuthSecret, static,
			inventory.ReachSourceControl, []string{"gloas-"}, `[A-Za-z0-9_-]{64}`, 70).
			with("gloas-{bu:64}", "gloas-{h:20}"),
		gitlabFormat("glimt-", "gitlab-incoming-mail-token", "GitLab incoming mail token", kindServiceToken, static),
		gitlabFormat("glagent-", "gitlab-agent-token", "GitLab agent for Kubernetes token", kindServiceToken, static),
		gitlabFormat("glsoat-", "gitlab-scim-token", "GitLab SCIM OAuth token", kindOAuthToken, static),
		gitlabFormat("glffct-", "gitlab-feature-flag-token", "GitLab feature flags client token", kindServiceToken, static),
		prefixed("gitlab-legacy-runner-registration-token", "GitLab legacy runner registration token", inventory.PlatformGitLab,
			kindRegistration, static, inventory.ReachSourceControl, []string{"GR1348941"}, `[A-Za-z0-9_-]{20}`, 30).
			with("GR1348941{bu:20}", "GR1348941xxxxxxxxxxxxxxxxxxxx"),
		prefixed("bitbucket-app-password", "Bitbucket app password", "bitbucket", kindAPIKey, static, inventory.ReachSourceControl,
			[]string{"ATBB"}, `[A-Za-z0-9_=.-]{32}`, 36).
			with("ATBB{a:32}", "ATBBxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"),
		prefixed("sourcegraph-access-token", "Sourcegraph access token", "sourcegraph", inventory.KindPersonalAccessToken, static,
			inventory.ReachSourceControl, []string{"sgp_"}, `(?:[a-f0-9]{16}_)?[a-f0-9]{40}`, 62).
			with("sgp_{h:16}_{h:40}", "sgp_{h:10}"),
	}
}

// googleAPIKey refines an AIza key to a Google AI (Gemini) key when its line
// names the generative-language API.
func googleAPIKey(f, ai *Format) *Format {
	f.refine = func(s *scanState, start, _ int) *Format {
		ls := bytes.LastIndexByte(s.data[max(0, start-200):start], '\n') + 1 + max(0, start-200)
		line := s.data[ls:start]
		for _, w := range [][]byte{[]byte("gemini"), []byte("genai"), []byte("google_ai"), []byte("googleai"),
			[]byte("generativelanguage"), []byte("google_generative"), []byte("aistudio")} {
			if containsFold(line, w) {
				return ai
			}
		}
		return f
	}
	f.publicIn = firebaseWebKey
	return f
}

// firebaseWebKey says that an AIza key stands in a Firebase web app's
// configuration (its authDomain, messagingSenderId or a firebaseapp.com
// host within a few lines): such a key identifies the Firebase project and
// ships in every web client. Firebase documents it as not secret; what
// protects the project is its security rules and the key's API
// restrictions.
func firebaseWebKey(s *scanState, start, end int) string {
	lo, hi := max(0, start-400), min(len(s.data), end+400)
	near := s.data[lo:hi]
	for _, w := range [][]byte{[]byte("authdomain"), []byte("messagingsenderid"), []byte("firebaseapp.com"), []byte("auth_domain"),
		[]byte("messaging_sender_id")} {
		if containsFold(near, w) {
			return "a Firebase web app's API key, which identifies the project and ships in every web client (Firebase documents it as " +
				"not secret; restrict the key's APIs and keep the project's security rules tight)"
		}
	}
	return ""
}

func cloudFormats() []*Format {
	ai := prefixed("google-ai-api-key", "Google AI (Gemini) API key", "google", kindAPIKey, static, inventory.ReachLLMAPI,
		[]string{"AIza"}, `[0-9A-Za-z_-]{35}`, 39)
	ai.Prefixes = nil // reached through the google-api-key anchor
	ai.Samples = []Sample{{File: ".env", Text: "GEMINI_API_KEY=⟦AIza{bu:35}⟧\n"}}
	return []*Format{
		prefixed("aws-access-key-id", "AWS access key (long-lived IAM user key)", "aws", kindAccessKey, static, inventory.ReachCloud,
			[]string{"AKIA"}, `[A-Z2-7]{16}`, 20).
			with("AKIA{b32:16}", "AKIA"+"IOSFODNN7EXAMPLE", "AKIA"+strings.Repeat("X", 16), "AKIA{b32:10}"),
		prefixed("aws-temporary-access-key-id", "AWS temporary access key (STS session)", "aws", kindAccessKey, short, inventory.ReachCloud,
			[]string{"ASIA"}, `[A-Z2-7]{16}`, 20).
			with("ASIA{b32:16}", "ASIAIOSFODNN7EXAMPLE", "ASIAXXXXXXXXXXXXXXXX"),
		prefixed("aws-bearer-or-context-key-id", "AWS STS bearer token or context-specific credential key", "aws", kindAccessKey, short,
			inventory.ReachCloud, []string{"ABIA", "ACCA"}, `[A-Z2-7]{16}`, 20).
			with("ABIA{b32:16}", "ACCAXXXXXXXXXXXXXXXX"),
		googleAPIKey(prefixed("google-api-key", "Google Cloud API key", "google", kindAPIKey, static, inventory.ReachCloud,
			[]string{"AIza"}, `[0-9A-Za-z_-]{35}`, 39).
			with("AIza{bu:35}", "AIzaSyXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX", "AIza{bu:20}"), ai),
		ai,
		prefixed("google-oauth-client-secret", "Google OAuth client secret", "google", kindOAuthSecret, static, inventory.ReachCloud,
			[]string{"GOCSPX-"}, `[A-Za-z0-9_-]{28}`, 35).
			with("GOCSPX-{bu:28}", "GOCSPX-xxxxxxxxxxxxxxxxxxxxxxxxxxxx"),
		prefixed("google-oauth-refresh-token", "Google OAuth refresh token", "google", inventory.KindRefreshToken, refresh, inventory.ReachCloud,
			[]string{"1//0"}, `[A-Za-z0-9_-]{40,512}`, 520).
			with("1//0{bu:90}", "1//0xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"),
		prefixed("google-oauth-access-token", "Google OAuth access token", "google", kindOAuthToken, short, inventory.ReachCloud,
			[]string{"ya29."}, `[A-Za-z0-9_-]{30,1000}`, 1010).
			with("ya29.{bu:120}", "ya29.xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "ya29.<token>"),
		prefixed("digitalocean-personal-token", "DigitalOcean personal access token", "digitalocean", inventory.KindPersonalAccessToken, static,
			inventory.ReachCloud, []string{"dop_v1_"}, `[a-f0-9]{64}`, 71).with("dop_v1_{h:64}", "dop_v1_{h:30}"),
		prefixed("digitalocean-oauth-token", "DigitalOcean OAuth access token", "digitalocean", kindOAuthToken, short,
			inventory.ReachCloud, []string{"doo_v1_"}, `[a-f0-9]{64}`, 71).with("doo_v1_{h:64}"),
		prefixed("digitalocean-refresh-token", "DigitalOcean OAuth refresh token", "digitalocean", inventory.KindRefreshToken, refresh,
			inventory.ReachCloud, []string{"dor_v1_"}, `[a-f0-9]{64}`, 71).with("dor_v1_{h:64}"),
		prefixed("heroku-api-key", "Heroku API key", "heroku", kindAPIKey, static, inventory.ReachInfrastructure,
			[]string{"HRKU-"}, `[A-Za-z0-9_-]{60}`, 65).with("HRKU-AA{bu:58}", "HRKU-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"),
		prefixed("vault-service-token", "HashiCorp Vault service token", "vault", kindServiceToken, static, inventory.ReachInfrastructure,
			[]string{"hvs."}, `[A-Za-z0-9_-]{24,200}`, 204).with("hvs.CAESI{bu:90}", "hvs.xxxxxxxxxxxxxxxxxxxxxxxxxxxx"),
		prefixed("vault-batch-token", "HashiCorp Vault batch token", "vault", kindServiceToken, short, inventory.ReachInfrastructure,
			[]string{"hvb."}, `[A-Za-z0-9_-]{24,300}`, 304).with("hvb.AAAAAQ{bu:100}"),
		prefixed("pulumi-access-token", "Pulumi access token", "pulumi", inventory.KindPersonalAccessToken, static, inventory.ReachInfrastructure,
			[]string{"pul-"}, `[a-f0-9]{40}`, 44).with("pul-{h:40}", "pul-{h:12}"),
		prefixed("fly-access-token", "Fly.io access token", "fly", kindAPIKey, static, inventory.ReachInfrastructure,
			[]string{"fo1_"}, `[A-Za-z0-9_-]{43}`, 47).with("fo1_{bu:43}"),
		prefixed("fly-macaroon-token", "Fly.io macaroon token", "fly", kindAPIKey, static, inventory.ReachInfrastructure,
			[]string{"fm2_", "fm1r_", "fm1a_"}, `[A-Za-z0-9+/=_-]{100,1000}`, 1010).with("fm2_lJPE{b:200}"),
		prefixed("doppler-token", "Doppler token", "doppler", kindServiceToken, static, inventory.ReachInfrastructure,
			[]string{"dp.pt.", "dp.st.", "dp.sa.", "dp.ct.", "dp.scim.", "dp.audit."}, `[A-Za-z0-9]{40,44}`, 54).
			with("dp.st.{a:43}", "dp.st.xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"),
		prefixed("cloudflare-origin-ca-key", "Cloudflare Origin CA key", "cloudflare", kindAPIKey, static, inventory.ReachInfrastructure,
			[]string{"v1.0-"}, `[a-f0-9]{24}-[a-f0-9]{146}`, 176).with("v1.0-{h:24}-{h:146}"),
		prefixed("vercel-token", "Vercel access token", "vercel", kindAPIKey, static, inventory.ReachInfrastructure,
			[]string{"vcp_", "vci_", "vca_", "vcr_", "vck_"}, `[A-Za-z0-9]{24,64}`, 68).with("vcp_{a:56}", "vcp_configuration_settings_for_the_app"),
		prefixed("netlify-access-token", "Netlify personal access token", "netlify", inventory.KindPersonalAccessToken, static,
			inventory.ReachInfrastructure, []string{"nfp_"}, `[A-Za-z0-9]{36}`, 40).with("nfp_{a:36}"),
		prefixed("render-api-key", "Render API key", "render", kindAPIKey, static, inventory.ReachInfrastructure,
			[]string{"rnd_"}, `[A-Za-z0-9]{32}`, 36).with("rnd_{a:32}"),
		prefixed("circleci-personal-token", "CircleCI personal API token", "circleci", inventory.KindPersonalAccessToken, static,
			inventory.ReachInfrastructure, []string{"CCIPAT_"}, `[A-Za-z0-9]{22}_[a-f0-9]{40}`, 70).with("CCIPAT_{a:22}_{h:40}"),
		prefixed("buildkite-api-token", "Buildkite user access token", "buildkite", kindAPIKey, static, inventory.ReachInfrastructure,
			[]string{"bkua_"}, `[a-f0-9]{40}`, 45).with("bkua_{h:40}"),
		prefixed("onepassword-service-account-token", "1Password service account token", "1password", kindServiceToken, static,
			inventory.ReachInfrastructure, []string{"ops_eyJ"}, `[A-Za-z0-9+/=_-]{250,1000}`, 1010).with("ops_eyJ{b:300}"),
		prefixed("age-secret-key", "age encryption secret key", "age", kindSecretKey, static, inventory.ReachCrypto,
			[]string{"AGE-SECRET-KEY-1"}, `[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58}`, 74).
			with("AGE-SECRET-KEY-1{bech:58}", "AGE-SECRET-KEY-1"+strings.Repeat("X", 58)),
	}
}

func llmFormats() []*Format {
	openaiBody := `[A-Za-z0-9_-]{20,250}T3BlbkFJ[A-Za-z0-9_-]{20,250}`
	anthropicBody := `[A-Za-z0-9_-]{93}AA`
	return []*Format{
		moreSpecific(prefixed("openai-project-key", "OpenAI project API key", "openai", kindAPIKey, static, inventory.ReachLLMAPI,
			[]string{"sk-proj-"}, openaiBody, 520)).
			with("sk-proj-{bu:74}T3BlbkFJ{bu:74}", "sk-proj-{bu:74}", "sk-proj-xxxxxxxxxxxxxxxxxxxxxxxxT3BlbkFJxxxxxxxxxxxxxxxxxxxxxxxx"),
		moreSpecific(prefixed("openai-service-account-key", "OpenAI service account API key", "openai", kindAPIKey, static, inventory.ReachLLMAPI,
			[]string{"sk-svcacct-"}, openaiBody, 520)).with("sk-svcacct-{bu:74}T3BlbkFJ{bu:74}"),
		moreSpecific(prefixed("openai-admin-key", "OpenAI admin API key", "openai", kindAPIKey, static, inventory.ReachLLMAPI,
			[]string{"sk-admin-"}, openaiBody, 520)).with("sk-admin-{bu:58}T3BlbkFJ{bu:58}"),
		prefixed("openai-api-key", "OpenAI API key (user or legacy key)", "openai", kindAPIKey, static, inventory.ReachLLMAPI,
			[]string{"sk-"}, openaiBody, 520).
			with("sk-{a:20}T3BlbkFJ{a:20}", "sk-{a:48}", "sk-...T3BlbkFJ...").samples(Sample{File: ".env", Text: "OPENAI_API_KEY=⟦sk-None-{bu:40}T3BlbkFJ{bu:40}⟧\n"}),
		prefixed("anthropic-api-key", "Anthropic API key", "anthropic", kindAPIKey, static, inventory.ReachLLMAPI,
			[]string{"sk-ant-api03-"}, anthropicBody, 108).
			with("sk-ant-api03-{bu:93}AA", "sk-ant-api03-"+strings.Repeat("x", 93)+"AA", "sk-ant-api03-{bu:40}"),
		prefixed("anthropic-admin-key", "Anthropic admin API key", "anthropic", kindAPIKey, static, inventory.ReachLLMAPI,
			[]string{"sk-ant-admin01-"}, anthropicBody, 110).with("sk-ant-admin01-{bu:93}AA"),
		prefixed("anthropic-oauth-token", "Anthropic OAuth token (Claude Code; setup tokens live a year)", "anthropic", kindOAuthToken, static,
			inventory.ReachLLMAPI, []string{"sk-ant-oat01-"}, anthropicBody, 108).with("sk-ant-oat01-{bu:93}AA"),
		prefixed("anthropic-refresh-token", "Anthropic OAuth refresh token", "anthropic", inventory.KindRefreshToken, refresh,
			inventory.ReachLLMAPI, []string{"sk-ant-ort01-"}, anthropicBody, 108).with("sk-ant-ort01-{bu:93}AA"),
		prefixed("openrouter-api-key", "OpenRouter API key", "openrouter", kindAPIKey, static, inventory.ReachLLMAPI,
			[]string{"sk-or-v1-"}, `[a-f0-9]{64}`, 73).with("sk-or-v1-{h:64}", "sk-or-v1-{h:20}"),
		prefixed("huggingface-token", "Hugging Face access token", "huggingface", inventory.KindPersonalAccessToken, static,
			inventory.ReachLLMAPI, []string{"hf_"}, `[A-Za-z]{34}`, 37).
			with("hf_{L:34}", "hf_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "hf_{L:20}"),
		prefixed("huggingface-org-token", "Hugging Face organization API token", "huggingface", kindAPIKey, static,
			inventory.ReachLLMAPI, []string{"api_org_"}, `[A-Za-z]{34}`, 42).with("api_org_{L:34}"),
		prefixed("groq-api-key", "Groq API key", "groq", kindAPIKey, static, inventory.ReachLLMAPI,
			[]string{"gsk_"}, `[A-Za-z0-9]{52}`, 56).with("gsk_{a:52}"),
		prefixed("xai-api-key", "xAI API key", "xai", kindAPIKey, static, inventory.ReachLLMAPI,
			[]string{"xai-"}, `[A-Za-z0-9]{80}`, 84).with("xai-{a:80}"),
		prefixed("perplexity-api-key", "Perplexity API key", "perplexity", kindAPIKey, static, inventory.ReachLLMAPI,
			[]string{"pplx-"}, `[A-Za-z0-9]{48}`, 53).with("pplx-{a:48}"),
		prefixed("replicate-api-token", "Replicate API token", "replicate", kindAPIKey, static, inventory.ReachLLMAPI,
			[]string{"r8_"}, `[A-Za-z0-9]{37}`, 40).with("r8_{a:37}"),
		prefixed("langsmith-api-key", "LangSmith API key", "langchain", kindAPIKey, static, inventory.ReachObservability,
			[]string{"lsv2_pt_", "lsv2_sk_"}, `[a-f0-9]{32}_[a-f0-9]{10}`, 51).with("lsv2_pt_{h:32}_{h:10}"),
		prefixed("pinecone-api-key", "Pinecone API key", "pinecone", kindAPIKey, static, inventory.ReachDatabase,
			[]string{"pcsk_"}, `[A-Za-z0-9]{5,8}_[A-Za-z0-9]{50,70}`, 85).with("pcsk_{a:6}_{a:63}"),
		prefixed("tavily-api-key", "Tavily API key", "tavily", kindAPIKey, static, inventory.ReachLLMAPI,
			[]string{"tvly-"}, `(?:dev-|prod-)?[A-Za-z0-9]{32}`, 42).with("tvly-dev-{a:32}"),
	}
}

// saasFormats are chat, payments and other SaaS tokens. Negative samples
// shaped like published placeholders are assembled from pieces so that no
// secret scanner matches this source file itself.
func saasFormats() []*Format {
	chat, pay, reg, obs, prod, msg, db, infra := inventory.ReachChat, inventory.ReachPayments, inventory.ReachPackageRegistry,
		inventory.ReachObservability, inventory.ReachProductivity, inventory.ReachMessaging, inventory.ReachDatabase, inventory.ReachInfrastructure
	npm := prefixed("npm-access-token", "npm access token", "npm", kindAPIKey, static, reg, []string{"npm_"}, `[A-Za-z0-9]{36}`, 40)
	npm.Verify, npm.Checksum, npm.checksumTail = verifyCRC32Base62(4), true, crc32Tail
	return []*Format{
		prefixed("slack-bot-token", "Slack bot token", "slack", kindBotToken, static, chat,
			[]string{"xoxb-"}, `[0-9]{8,13}-[0-9]{8,13}-[A-Za-z0-9]{24,34}`, 70).
			with("xoxb-{d:12}-{d:13}-{a:24}", "xo"+"xb-123456789012-1234567890123-"+strings.Repeat("x", 24), "xoxb-your-token-here"),
		prefixed("slack-user-token", "Slack user token", "slack", inventory.KindPersonalAccessToken, static, chat,
			[]string{"xoxp-"}, `[0-9]{8,13}-[0-9]{8,13}-[0-9]{8,13}-[A-Za-z0-9]{28,34}`, 90).
			with("xoxp-{d:12}-{d:12}-{d:13}-{h:32}", "xo"+"xp-0000000000-0000000000-0000000000-"+strings.Repeat("0", 32)),
		prefixed("slack-legacy-token", "Slack legacy workspace or app token", "slack", kindAPIKey, static, chat,
			[]string{"xoxa-", "xoxs-", "xoxo-"}, `[0-9]{1,13}-[0-9A-Za-z-]{20,200}`, 220).with("xoxa-2-{a:60}"),
		prefixed("slack-refresh-token", "Slack refresh token (token rotation)", "slack", inventory.KindRefreshToken, refresh, chat,
			[]string{"xoxr-", "xoxe-"}, `[0-9]{1,2}-[A-Za-z0-9]{100,200}`, 210).with("xoxe-1-{a:146}"),
		prefixed("slack-rotating-access-token", "Slack rotating access token", "slack", kindOAuthToken, short, chat,
			[]string{"xoxe.xoxb-", "xoxe.xoxp-"}, `[0-9]{1,2}-[A-Za-z0-9]{100,200}`, 220).with("xoxe.xoxp-1-{a:163}"),
		prefixed("slack-app-token", "Slack app-level token", "slack", kindAPIKey, static, chat,
			[]string{"xapp-"}, `[0-9]-[A-Z0-9]{9,12}-[0-9]{10,14}-[a-f0-9]{64}`, 110).with("xapp-1-A{A:10}-{d:13}-{h:64}"),
		prefixed("slack-webhook", "Slack incoming webhook URL", "slack", kindWebhook, static, chat,
			[]string{"https://hooks.slack.com/services/", "https://hooks.slack.com/workflows/"}, `T[A-Z0-9]{8,12}/[AB][A-Z0-9]{8,12}/[A-Za-z0-9]{23,24}`, 90).
			with("https://hooks.slack.com/services/T{A:10}/B{A:10}/{a:24}", "https://hooks.slack.com/services/"+"T00000000/B00000000/"+strings.Repeat("X", 24)),
		prefixed("discord-webhook", "Discord webhook URL", "discord", kindWebhook, static, chat,
			[]string{"https://discord.com/api/webhooks/", "https://discordapp.com/api/webhooks/"}, `[0-9]{17,20}/[A-Za-z0-9_-]{60,68}`, 125).
			with("https://discord.com/api/webhooks/{d:18}/{bu:68}"),
		prefixed("stripe-secret-key", "Stripe live secret key", "stripe", kindSecretKey, static, pay,
			[]string{"sk_live_"}, `[0-9a-zA-Z]{24,247}`, 255).with("sk_live_{a:99}", "sk_live_xxxxxxxxxxxxxxxxxxxxxxxx", "sk_live_{a:10}"),
		prefixed("stripe-restricted-key", "Stripe live restricted key", "stripe", kindSecretKey, static, pay,
			[]string{"rk_live_"}, `[0-9a-zA-Z]{24,247}`, 255).with("rk_live_{a:99}"),
		prefixed("stripe-test-key", "Stripe test-mode secret key", "stripe", kindSecretKey, static, pay,
			[]string{"sk_test_", "rk_test_"}, `[0-9a-zA-Z]{24,247}`, 255).with("sk_test_{a:99}", "sk_test_<your test key>"),
		prefixed("stripe-webhook-secret", "Stripe webhook signing secret", "stripe", kindWebhookSecret, static, pay,
			[]string{"whsec_"}, `[A-Za-z0-9+/=]{32,64}`, 70).with("whsec_{a:32}"),
		prefixed("square-access-token", "Square access token", "square", kindAPIKey, static, pay,
			[]string{"EAAA", "sq0atp-"}, `[A-Za-z0-9_-]{22,60}`, 66).with("EAAA{bu:60}", "EAAAxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"),
		prefixed("square-oauth-secret", "Square OAuth application secret", "square", kindOAuthSecret, static, pay,
			[]string{"sq0csp-"}, `[A-Za-z0-9_-]{43}`, 50).with("sq0csp-{bu:43}"),
		prefixed("shopify-access-token", "Shopify access token", "shopify", kindAPIKey, static, pay,
			[]string{"shpat_", "shpca_", "shppa_"}, `[a-fA-F0-9]{32}`, 38).with("shpat_{h:32}"),
		prefixed("shopify-shared-secret", "Shopify app shared secret", "shopify", kindOAuthSecret, static, pay,
			[]string{"shpss_"}, `[a-fA-F0-9]{32}`, 38).with("shpss_{h:32}"),
		npm.with("npm_{ghcrc:30}", "npm_{a:36}", "npm_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"),
		prefixed("pypi-upload-token", "PyPI API token", "pypi", kindAPIKey, static, reg,
			[]string{"pypi-AgEIcHlwaS5vcmc", "pypi-AgENdGVzdC5weXBpLm9yZw"}, `[A-Za-z0-9_-]{50,1000}`, 1030).
			with("pypi-AgEIcHlwaS5vcmc{bu:150}", "pypi-AgEIcHlwaS5vcmcxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx").
			samples(Sample{File: ".pypirc", Text: "[distutils]\nindex-servers = pypi\n\n[pypi]\nusername = __token__\npassword = ⟦pypi-AgEIcHlwaS5vcmc{bu:150}⟧\n"}),
		prefixed("dockerhub-access-token", "Docker Hub personal access token", "docker", inventory.KindPersonalAccessToken, static, reg,
			[]string{"dckr_pat_"}, `[A-Za-z0-9_-]{27}`, 36).with("dckr_pat_{bu:27}", "dckr_pat_xxxxxxxxxxxxxxxxxxxxxxxxxxx"),
		prefixed("dockerhub-org-token", "Docker Hub organization access token", "docker", kindAPIKey, static, reg,
			[]string{"dckr_oat_"}, `[A-Za-z0-9_-]{32}`, 41).with("dckr_oat_{bu:32}"),
		prefixed("rubygems-api-key", "RubyGems API key", "rubygems", kindAPIKey, static, reg,
			[]string{"rubygems_"}, `[a-f0-9]{48}`, 57).with("rubygems_{h:48}"),
		prefixed("nuget-api-key", "NuGet API key", "nuget", kindAPIKey, static, reg,
			[]string{"oy2"}, `[a-z0-9]{43}`, 46).with("oy2{la:43}"),
		prefixed("jfrog-reference-token", "JFrog reference (identity) token", "jfrog", kindAPIKey, static, reg,
			[]string{"cmVmdGtuOjAxOj"}, `[A-Za-z0-9]{50}`, 64).with("cmVmdGtuOjAxOj{a:50}"),
		prefixed("jfrog-api-key", "JFrog API key", "jfrog", kindAPIKey, static, reg,
			[]string{"AKCp"}, `[A-Za-z0-9]{69}`, 73).with("AKCp{a:69}"),
		prefixed("crates-io-token", "crates.io API token", "crates", kindAPIKey, static, reg,
			[]string{"cio"}, `[A-Za-z0-9]{32}`, 35).with("cio{a:32}"),
		prefixed("atlassian-api-token", "Atlassian API token (Jira, Confluence)", "atlassian", kindAPIKey, static, prod,
			[]string{"ATATT3xFfGF0"}, `[A-Za-z0-9_=-]{150,300}`, 312).
			with("ATATT3xFfGF0{bu:172}={H:8}", "ATATT3xFfGF0xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"),
		prefixed("linear-api-key", "Linear personal API key", "linear", kindAPIKey, static, prod,
			[]string{"lin_api_"}, `[A-Za-z0-9]{40}`, 48).with("lin_api_{a:40}", "lin_api_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"),
		prefixed("linear-oauth-token", "Linear OAuth access token", "linear", kindOAuthToken, static, prod,
			[]string{"lin_oauth_"}, `[a-f0-9]{64}`, 74).with("lin_oauth_{h:64}"),
		prefixed("notion-integration-token", "Notion integration token", "notion", kindAPIKey, static, prod,
			[]string{"ntn_"}, `[0-9]{11}[A-Za-z0-9]{35}`, 50).with("ntn_{d:11}{a:35}"),
		prefixed("notion-legacy-token", "Notion integration token (legacy)", "notion", kindAPIKey, static, prod,
			[]string{"secret_"}, `[A-Za-z0-9]{43}`, 50).with("secret_{a:43}", "secret_key_base_for_the_development_environment"),
		prefixed("figma-access-token", "Figma personal access token", "figma", inventory.KindPersonalAccessToken, static, prod,
			[]string{"figd_"}, `[A-Za-z0-9_-]{40}`, 45).with("figd_{bu:40}"),
		prefixed("postman-api-key", "Postman API key", "postman", kindAPIKey, static, prod,
			[]string{"PMAK-"}, `[a-f0-9]{24}-[a-f0-9]{34}`, 64).with("PMAK-{h:24}-{h:34}"),
		prefixed("sentry-user-token", "Sentry user auth token", "sentry", inventory.KindPersonalAccessToken, static, obs,
			[]string{"sntryu_"}, `[a-f0-9]{64}`, 71).with("sntryu_{h:64}"),
		prefixed("sentry-org-token", "Sentry organization auth token", "sentry", kindAPIKey, static, obs,
			[]string{"sntrys_"}, `eyJ[A-Za-z0-9+/=]{60,400}_[A-Za-z0-9+/]{43}`, 460).with("sntrys_eyJ{b:120}_{b:43}"),
		prefixed("grafana-cloud-token", "Grafana Cloud API token", "grafana", kindAPIKey, static, obs,
			[]string{"glc_"}, `[A-Za-z0-9+/]{32,400}={0,2}`, 410).with("glc_eyJ{b:100}"),
		prefixed("grafana-service-account-token", "Grafana service account token", "grafana", kindServiceToken, static, obs,
			[]string{"glsa_"}, `[A-Za-z0-9]{32}_[A-Fa-f0-9]{8}`, 46).with("glsa_{a:32}_{h:8}"),
		prefixed("newrelic-user-key", "New Relic user API key", "newrelic", kindAPIKey, static, obs,
			[]string{"NRAK-"}, `[A-Z0-9]{27}`, 32).with("NRAK-{A:27}"),
		prefixed("sendgrid-api-key", "SendGrid API key", "sendgrid", kindAPIKey, static, msg,
			[]string{"SG."}, `[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}`, 69).with("SG.{bu:22}.{bu:43}", "SG.xxxxxxxxxxxxxxxxxxxxxx.xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"),
		nextBytes(prefixed("twilio-api-key", "Twilio API key", "twilio", kindAPIKey, static, msg,
			[]string{"SK"}, `[0-9a-f]{32}`, 34).with("SK{h:32}", "SK00000000000000000000000000000000"), "0123456789abcdef"),
		onLineWith(prefixed("mailgun-api-key", "Mailgun API key", "mailgun", kindAPIKey, static, msg,
			[]string{"key-"}, `[0-9a-f]{32}`, 36), "mailgun", "mg_").
			samples(Sample{File: "mail.py", Text: "MAILGUN_API_KEY = \"⟦key-{h:32}⟧\"\n"}).
			negatives(Sample{File: "cache.txt", Text: "cache key-{h:32} expired\n"}),
		prefixed("databricks-token", "Databricks personal access token", "databricks", inventory.KindPersonalAccessToken, static, db,
			[]string{"dapi"}, `[a-f0-9]{32}(?:-[0-9])?`, 38).with("dapi{h:32}", "dapi{h:10}"),
		prefixed("supabase-access-token", "Supabase personal access token", "supabase", inventory.KindPersonalAccessToken, static, db,
			[]string{"sbp_"}, `[a-f0-9]{40}`, 44).with("sbp_{h:40}"),
		prefixed("supabase-secret-key", "Supabase secret API key", "supabase", kindSecretKey, static, db,
			[]string{"sb_secret_"}, `[A-Za-z0-9_-]{31,64}`, 74).with("sb_secret_{bu:31}"),
		prefixed("planetscale-token", "PlanetScale service token or password", "planetscale", kindServiceToken, static, db,
			[]string{"pscale_tkn_", "pscale_pw_", "pscale_oauth_"}, `[A-Za-z0-9_-]{32,64}`, 77).with("pscale_tkn_{bu:43}"),
		prefixed("neon-api-key", "Neon API key", "neon", kindAPIKey, static, db,
			[]string{"napi_"}, `[a-z0-9]{64}`, 69).with("napi_{la:64}"),
		prefixed("mapbox-secret-token", "Mapbox secret access token", "mapbox", kindAPIKey, static, infra,
			[]string{"sk.eyJ"}, `[A-Za-z0-9_-]{20,200}\.[A-Za-z0-9_-]{20,40}`, 250).with("sk.eyJ1{bu:60}.{bu:22}"),
	}
}
