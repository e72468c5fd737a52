package rules

// All returns every rule of the catalog, in id order. This is the only list:
// `agentreach rules`, the docs and the scan all read it.
func All() []*Rule {
	return []*Rule{
		PlaintextAgentCredential,
		SCMMCPBroadCredential,
		ApprovalBypass,
		AutoTrustProjectMCP,
		UnpinnedMCPSupply,
		HostWideAccess,
		CredentialReuse,
		GuardrailSelfModification,
		WorkstationCredential,
		ExpiredIgnore,
		WorkflowPermissions,
		PwnRequest,
		UntrustedInjection,
		AllSecrets,
		PersistedCheckout,
		AppTokenScope,
		AgentBypass,
		HardcodedCICredential,
		GitLabJobJWT,
		UnpinnedAgentSupply,
		BotGatedPRAutomation,
		StaticCloudKeys,
		SelfHostedUntrusted,
		GitLabStaticCloudKeys,
		SharedCIIdentity,
		ConfusedDeputy,
		StandingPAT,
		AgentTokenScope,
		KillSwitchGap,
		UnownedNHI,
		HardcodedCredential,
	}
}
