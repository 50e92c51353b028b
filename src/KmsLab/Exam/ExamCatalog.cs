namespace KmsLab.Exam;

/// <summary>
/// The exams the bank is written for, with the question count, time limit and content domains of
/// each exam guide: SCS-C03 (65 questions, 170 minutes, six domains; the Security Specialty exam
/// since December 2025), SAA-C03 and DVA-C02 (65 questions, 130 minutes, four domains each).
/// </summary>
public static class ExamCatalog
{
    /// <summary>AWS Certified Security – Specialty.</summary>
    public static ExamDefinition SecuritySpecialty { get; } = new("SCS-C03", "AWS Certified Security – Specialty", 65, 170,
    [
        new("detection", "Detection", 16),
        new("incident-response", "Incident Response", 14),
        new("infrastructure-security", "Infrastructure Security", 18),
        new("iam", "Identity and Access Management", 20),
        new("data-protection", "Data Protection", 18),
        new("governance", "Security Foundations and Governance", 14),
    ]);

    /// <summary>AWS Certified Solutions Architect – Associate.</summary>
    public static ExamDefinition SolutionsArchitect { get; } = new("SAA-C03", "AWS Certified Solutions Architect – Associate", 65, 130,
    [
        new("secure", "Design Secure Architectures", 30),
        new("resilient", "Design Resilient Architectures", 26),
        new("performance", "Design High-Performing Architectures", 24),
        new("cost", "Design Cost-Optimized Architectures", 20),
    ]);

    /// <summary>AWS Certified Developer – Associate.</summary>
    public static ExamDefinition Developer { get; } = new("DVA-C02", "AWS Certified Developer – Associate", 65, 130,
    [
        new("development", "Development with AWS Services", 32),
        new("security", "Security", 26),
        new("deployment", "Deployment", 24),
        new("troubleshooting", "Troubleshooting and Optimization", 18),
    ]);

    /// <summary>Every exam, in the order the CLI lists them.</summary>
    public static IReadOnlyList<ExamDefinition> All { get; } = [SecuritySpecialty, SolutionsArchitect, Developer];

    /// <summary>The exam with <paramref name="code"/> (case-insensitive), or null.</summary>
    public static ExamDefinition? Find(string code) => All.FirstOrDefault(e => string.Equals(e.Code, code, StringComparison.OrdinalIgnoreCase));
}
