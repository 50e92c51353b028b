using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;

namespace KmsLab.Lessons;

/// <summary>
/// The keys an exercise check creates in the learner's own lab, to try an answer with the learner's
/// own account and people on either target; each is scheduled for deletion once tried.
/// </summary>
internal static class CheckKeys
{
    /// <summary>Schedules <paramref name="keyId"/>'s deletion with the shortest window.</summary>
    public static async Task RetireAsync(IAmazonKeyManagementService admin, string keyId)
    {
        try
        {
            await admin.ScheduleKeyDeletionAsync(new ScheduleKeyDeletionRequest { KeyId = keyId, PendingWindowInDays = KmsFacts.MinPendingWindowInDays }).ConfigureAwait(false);
        }
        catch (KMSInvalidStateException)
        {
            // Already pending deletion: the answer under test let someone schedule it.
        }
        catch (AmazonKeyManagementServiceException e) when (e.ErrorCode == "AccessDeniedException")
        {
            // The answer's policy keeps the administrator from deleting; on AWS, kmslab cleanup finds the key by its lab tags.
        }
    }
}
