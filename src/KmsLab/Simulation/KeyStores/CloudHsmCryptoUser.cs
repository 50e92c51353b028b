namespace KmsLab.Simulation.KeyStores;

/// <summary>A crypto user (CU) of a simulated CloudHSM cluster.</summary>
internal sealed class CloudHsmCryptoUser(string password)
{
    public string Password { get; set; } = password;

    public int FailedLogins { get; set; }

    public bool LockedOut { get; set; }

    /// <summary>Someone other than KMS is logged in as this user (which stops KMS from logging in).</summary>
    public bool LoggedIn { get; set; }

    /// <summary>
    /// Checks a login's password (the caller has checked <see cref="LockedOut"/>): a wrong one counts
    /// as a failed login and the last allowed one locks the user out; a right one resets the count.
    /// </summary>
    public bool CheckPassword(string password)
    {
        if (!string.Equals(Password, password, StringComparison.Ordinal))
        {
            if (++FailedLogins >= CloudHsmCluster.FailedLoginsBeforeLockout) LockedOut = true;
            return false;
        }
        FailedLogins = 0;
        return true;
    }
}
