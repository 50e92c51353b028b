namespace KmsLab.Simulation.KeyStores;

/// <summary>A crypto user (CU) of a simulated CloudHSM cluster.</summary>
internal sealed class CloudHsmCryptoUser(string password)
{
    public string Password { get; set; } = password;

    public int FailedLogins { get; set; }

    public bool LockedOut { get; set; }

    /// <summary>Someone other than KMS is logged in as this user (which stops KMS from logging in).</summary>
    public bool LoggedIn { get; set; }
}
