namespace KmsLab.RealAws;

/// <summary>
/// The tags KmsLab puts on every KMS key a lab creates on real AWS, so that <c>kmslab cleanup</c>
/// finds exactly those keys (and never any other) and IAM policies can limit learners to them.
/// </summary>
public static class LabTags
{
    /// <summary>The lesson that created the key, e.g. <c>03-encrypt-decrypt</c> (<see cref="AdHocLesson"/> outside a lesson).</summary>
    public const string Lesson = "kmslab:lesson";

    /// <summary>Who created it: the caller's IAM ARN unless a lab owner was configured (<c>KMSLAB_OWNER</c>).</summary>
    public const string Owner = "kmslab:owner";

    /// <summary>The class a <c>lab-setup</c> stack belongs to (keys and users of the classroom template).</summary>
    public const string Class = "kmslab:class";

    /// <summary>
    /// Set to <c>cloudformation</c> on keys a <c>lab-setup</c> stack owns: <c>kmslab cleanup</c> leaves
    /// them to the stack's deletion.
    /// </summary>
    public const string ManagedBy = "kmslab:managed-by";

    /// <summary>The lesson tag's value for keys created by a lab that belongs to no lesson.</summary>
    public const string AdHocLesson = "adhoc";

    /// <summary>The prefix every KmsLab tag key starts with.</summary>
    public const string Prefix = "kmslab:";
}
