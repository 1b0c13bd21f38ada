namespace SelfDissonance.Cli;

/// <summary>The process exit codes of sdctl (also listed in the README).</summary>
public static class ExitCodes
{
    /// <summary>The command did what it was asked.</summary>
    public const int Ok = 0;

    /// <summary>The service refused the request: a 4xx problem (its reason code is on stderr).</summary>
    public const int Refused = 1;

    /// <summary>Bad arguments, a parse error, an unreadable input file, or a refused confirmation.</summary>
    public const int Usage = 2;

    /// <summary>The service could not be reached, or answered 5xx (unavailable, internal error).</summary>
    public const int Unavailable = 3;

    /// <summary>A bug in sdctl itself; the exception is on stderr.</summary>
    public const int Internal = 70;

    /// <summary>Cancelled (Ctrl+C), as shells report SIGINT.</summary>
    public const int Cancelled = 130;
}
