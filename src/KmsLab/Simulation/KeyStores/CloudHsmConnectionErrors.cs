namespace KmsLab.Simulation.KeyStores;

/// <summary>The ConnectionErrorCode values of CloudHSM key stores (CustomKeyStoresListEntry.ConnectionErrorCode).</summary>
internal static class CloudHsmConnectionErrors
{
    public const string ClusterNotFound = "CLUSTER_NOT_FOUND";
    public const string InsufficientHsms = "INSUFFICIENT_CLOUDHSM_HSMS";
    public const string InvalidCredentials = "INVALID_CREDENTIALS";
    public const string UserLockedOut = "USER_LOCKED_OUT";
    public const string UserLoggedIn = "USER_LOGGED_IN";
    public const string UserNotFound = "USER_NOT_FOUND";
    public const string SubnetNotFound = "SUBNET_NOT_FOUND";
    public const string InsufficientFreeAddresses = "INSUFFICIENT_FREE_ADDRESSES_IN_SUBNET";
    public const string NetworkErrors = "NETWORK_ERRORS";
}
