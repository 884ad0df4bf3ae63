<#
.SYNOPSIS
    Manages the local AI infra stack on Windows (Docker Desktop): the compose groups under infra/
    that join the external network ai-infra-net. Mirrors infra/ai-infra-manage.sh action for action.

.DESCRIPTION
    Actions:
      start     create ai-infra-net and infra\.env if missing, then `compose up -d` (re-creates
                containers whose .env values changed), wait until every started service is healthy,
                print URLs and logins
      stop      `compose down` (containers removed, named volumes kept), reverse order
      restart   `compose restart`
      status    network state and `compose ps` of each service group
      logs      `compose logs --tail N` (-Follow streams; needs a single -Service)
      health    table of every service's health endpoint; exit 1 if one is not healthy
      network   create ai-infra-net if missing and show it
      backup    archive the group's named volumes to <backup dir>\<volume>-<yyyyMMdd-HHmmss>.tar.gz
                (containers are stopped during the copy and started again)
      restore   replace the named volumes with the archives of -Timestamp (default: latest); needs
                -Force or a typed confirmation
      update    pull newer images (and rebuild our own), then `compose up -d`
      keys      give each app (dify, langflow, activepieces; or -Service one of them) its own gateway
                virtual key with a budget (APP_BUDGET_USD per APP_BUDGET_DURATION in infra\.env), created
                through the running gateway with the master key and written to infra\.env as
                <APP>_GATEWAY_KEY; an app that has one keeps it. Then `-Action start -Service gateway`.

    Services: all (default), gateway, dify, langflow, activepieces, monitoring; quickstart (backup and
    restore only): the data directory of infra/run-local.sh (embedded PostgreSQL, usage spool; logs and
    AOT caches left out) to <backup dir>\quickstart-<yyyyMMdd-HHmmss>.tar.gz, with Windows' tar.exe. The
    quick-start stack must be stopped: a running database's files are not a consistent copy.

    Environment: AI_INFRA_ENV_FILE, AI_INFRA_BACKUP_DIR, AI_INFRA_COMPOSE, AI_INFRA_BACKUP_IMAGE,
    AI_INFRA_HEALTH_TIMEOUT, AI_INFRA_START_TIMEOUT, AI_INFRA_START_POLL, MPC_IMAGE_FLAVOR
    (native|jvm), RUN_LOCAL_DATA_DIR (quickstart), as for ai-infra-manage.sh.
    Exit codes: 0 ok, 1 failure, 2 usage error, 3 Docker unavailable.

.EXAMPLE
    .\ai-infra-manage.ps1 -Action start
.EXAMPLE
    .\ai-infra-manage.ps1 -Action logs -Service gateway -Follow
.EXAMPLE
    .\ai-infra-manage.ps1 -Action restore -Service dify -Timestamp 20261128-101500 -Force
#>
[CmdletBinding()]
param(
    [Parameter(Position = 0)]
    [ValidateSet('start', 'stop', 'restart', 'status', 'logs', 'health', 'network', 'backup', 'restore', 'update', 'keys')]
    [string]$Action,

    [Parameter(Position = 1)]
    [ValidateSet('all', 'gateway', 'dify', 'langflow', 'activepieces', 'monitoring', 'quickstart')]
    [string]$Service = 'all',

    [switch]$Follow,

    [ValidateRange(0, 1000000)]
    [int]$Tail = 100,

    [ValidatePattern('^\d{8}-\d{6}$')]
    [string]$Timestamp,

    [switch]$Force,

    [switch]$Help
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

$InfraDir = $PSScriptRoot
$Network = 'ai-infra-net'
# Start order: the gateway group first, since the apps call it; stop runs in reverse.
$GroupsOrder = @('gateway', 'dify', 'langflow', 'activepieces', 'monitoring')
# The quick start (infra/run-local.sh, embedded PostgreSQL) is not a compose group: only backup and restore
# apply to it, and "all" does not include it.
$QuickstartService = 'quickstart'
# The apps that call mpc-api, each with its own gateway key (keys).
$KeyApps = @('dify', 'langflow', 'activepieces')
$EnvFile = if ($env:AI_INFRA_ENV_FILE) { $env:AI_INFRA_ENV_FILE } else { Join-Path $InfraDir '.env' }
$TemplateFile = Join-Path $InfraDir '.env.template'
$BackupImage = if ($env:AI_INFRA_BACKUP_IMAGE) { $env:AI_INFRA_BACKUP_IMAGE } else { 'alpine:3.20.3' }
$CurlTimeout = if ($env:AI_INFRA_HEALTH_TIMEOUT) { $env:AI_INFRA_HEALTH_TIMEOUT } else { '5' }
$StartTimeout = if ($env:AI_INFRA_START_TIMEOUT) { [int]$env:AI_INFRA_START_TIMEOUT } else { 900 }
$StartPoll = if ($env:AI_INFRA_START_POLL) { [int]$env:AI_INFRA_START_POLL } else { 5 }
$OnWindows = ($env:OS -eq 'Windows_NT')

function Stop-WithError([int]$Code, [string]$Message) {
    [Console]::Error.WriteLine("error: $Message")
    exit $Code
}

function Write-Info([string]$Message) { Write-Host "==> $Message" }

# Runs a native command; a non-zero exit code becomes an error (PowerShell does not do this itself).
function Invoke-Native {
    param([string]$Command, [string[]]$Arguments)
    & $Command @Arguments
    if ($LASTEXITCODE -ne 0) {
        throw "'$Command $($Arguments -join ' ')' failed with exit code $LASTEXITCODE"
    }
}

# Runs a native command only for its exit code. Windows PowerShell 5.1 turns redirected stderr lines
# into errors, which $ErrorActionPreference = 'Stop' would make fatal: relax it for this call.
function Test-Native {
    param([string]$Command, [string[]]$Arguments)
    $previous = $ErrorActionPreference
    $ErrorActionPreference = 'Continue'
    try {
        & $Command @Arguments *> $null
    } finally {
        $ErrorActionPreference = $previous
    }
    return ($LASTEXITCODE -eq 0)
}

function Get-SelectedGroups {
    if ($Service -eq 'all') { return $GroupsOrder } else { return @($Service) }
}

function Get-GroupVolumes([string]$Group) {
    switch ($Group) {
        'gateway' { return @('cost-tracker-db-data', 'model-gateway-data') }
        'dify' { return @('dify-db-data', 'dify-redis-data', 'dify-storage', 'dify-plugin-data') }
        'langflow' { return @('langflow-data', 'langflow-db-data') }
        'activepieces' { return @('activepieces-db-data', 'activepieces-redis-data') }
        'monitoring' { return @('prometheus-data', 'grafana-data') }
    }
}

# Value of NAME in the env file (read as text, never executed), else the default.
function Get-EnvValue([string]$Name, [string]$Default) {
    if (Test-Path -LiteralPath $EnvFile) {
        $line = Get-Content -LiteralPath $EnvFile | Where-Object { $_ -match "^$Name=" } | Select-Object -Last 1
        if ($line) {
            $value = $line.Substring($Name.Length + 1)
            if ($value) { return $value }
        }
    }
    return $Default
}

function Get-GroupEndpoints([string]$Group) {
    switch ($Group) {
        'gateway' {
            return @(
                @('model-gateway', "http://localhost:$(Get-EnvValue 'GATEWAY_PORT' '4000')/health/readiness"),
                @('mpc-api', "http://localhost:$(Get-EnvValue 'MPC_API_PORT' '3000')/q/health/ready"),
                @('cost-tracker', "http://localhost:$(Get-EnvValue 'COST_TRACKER_PORT' '4100')/q/health/ready"))
        }
        'dify' {
            return @(
                @('dify-api', "http://localhost:$(Get-EnvValue 'DIFY_API_PORT' '5001')/health"),
                @('dify-web', "http://localhost:$(Get-EnvValue 'DIFY_WEB_PORT' '80')/"))
        }
        'langflow' { return @(, @('langflow', "http://localhost:$(Get-EnvValue 'LANGFLOW_PORT' '7860')/health")) }
        'activepieces' { return @(, @('activepieces', "http://localhost:$(Get-EnvValue 'ACTIVEPIECES_PORT' '8080')/api/v1/flags")) }
        'monitoring' {
            return @(
                @('prometheus', "http://localhost:$(Get-EnvValue 'PROMETHEUS_PORT' '9090')/-/ready"),
                @('grafana', "http://localhost:$(Get-EnvValue 'GRAFANA_PORT' '3001')/api/health"))
        }
    }
}

function Assert-Docker {
    if (-not (Get-Command docker -ErrorAction SilentlyContinue)) {
        Stop-WithError 3 'docker is not installed or not on PATH (install Docker Desktop)'
    }
    if (-not (Test-Native 'docker' @('info'))) {
        Stop-WithError 3 'Docker is not running (docker info failed): start Docker Desktop, wait until it is ready, then retry'
    }
}

$script:Compose = @()
function Initialize-Compose {
    if ($env:AI_INFRA_COMPOSE) {
        $script:Compose = @($env:AI_INFRA_COMPOSE -split '\s+' | Where-Object { $_ })
        return
    }
    if (Test-Native 'docker' @('compose', 'version')) { $script:Compose = @('docker', 'compose'); return }
    if (Get-Command docker-compose -ErrorAction SilentlyContinue) { $script:Compose = @('docker-compose'); return }
    Stop-WithError 3 "neither 'docker compose' nor 'docker-compose' is available"
}

function Invoke-Compose([string]$Group, [string[]]$Arguments) {
    $files = @('-f', (Join-Path (Join-Path $InfraDir $Group) 'docker-compose.yml'))
    $flavor = if ($env:MPC_IMAGE_FLAVOR) { $env:MPC_IMAGE_FLAVOR } else { Get-EnvValue 'MPC_IMAGE_FLAVOR' 'native' }
    if ($Group -eq 'gateway' -and $flavor -eq 'jvm') {
        $files += @('-f', (Join-Path (Join-Path $InfraDir 'gateway') 'docker-compose.jvm.yml'))
    }
    $command = $script:Compose[0]
    $composeArgs = @($script:Compose | Select-Object -Skip 1) + @('-p', $Group, '--env-file', $EnvFile) + $files + $Arguments
    Invoke-Native $command $composeArgs
}

function New-RandomHex {
    $bytes = New-Object byte[] 16
    $rng = [System.Security.Cryptography.RandomNumberGenerator]::Create()
    $rng.GetBytes($bytes)
    $rng.Dispose()
    return -join ($bytes | ForEach-Object { $_.ToString('x2') })
}

function Initialize-EnvFile {
    if (Test-Path -LiteralPath $EnvFile) { return }
    if (-not (Test-Path -LiteralPath $TemplateFile)) { Stop-WithError 1 "$TemplateFile is missing" }
    $lines = foreach ($line in (Get-Content -LiteralPath $TemplateFile)) {
        while ($line.Contains('__GENERATE__')) {
            $index = $line.IndexOf('__GENERATE__')
            $line = $line.Substring(0, $index) + (New-RandomHex) + $line.Substring($index + '__GENERATE__'.Length)
        }
        $line
    }
    # UTF-8 without BOM and LF line endings: compose reads the file on every platform.
    $content = ($lines -join "`n") + "`n"
    [System.IO.File]::WriteAllText($EnvFile, $content, (New-Object System.Text.UTF8Encoding($false)))
    Write-Info "created $EnvFile from .env.template with random secrets (add provider keys there)"
}

function Assert-EnvFile {
    if (-not (Test-Path -LiteralPath $EnvFile)) {
        Stop-WithError 1 "$EnvFile not found: run '.\ai-infra-manage.ps1 -Action start' (creates it) or copy infra\.env.template to it"
    }
}

function Test-Network {
    return (Test-Native 'docker' @('network', 'inspect', $Network))
}

function Initialize-Network {
    if (Test-Network) { return }
    Write-Info "creating network $Network"
    Invoke-Native 'docker' @('network', 'create', '--driver', 'bridge', $Network) | Out-Null
}

function Get-BackupDir {
    $dir = $env:AI_INFRA_BACKUP_DIR
    if (-not $dir) { $dir = Get-EnvValue 'AI_INFRA_BACKUP_DIR' (Join-Path $InfraDir 'backups') }
    New-Item -ItemType Directory -Force -Path $dir | Out-Null
    return (Resolve-Path -LiteralPath $dir).Path
}

function Test-GroupRunning([string]$Group) {
    try {
        $ids = Invoke-Compose $Group @('ps', '-q')
        return [bool]($ids | Where-Object { $_ })
    } catch {
        return $false
    }
}

# HTTP status of a URL as a number, 0 when it does not answer.
function Get-HttpCode([string]$Url) {
    $curl = if ($OnWindows) { 'curl.exe' } else { 'curl' }
    $devNull = if ($OnWindows) { 'NUL' } else { '/dev/null' }
    $previous = $ErrorActionPreference
    $ErrorActionPreference = 'Continue'
    try {
        $code = (& $curl -s -o $devNull -w '%{http_code}' --max-time $CurlTimeout $Url 2>$null) -join ''
    } finally {
        $ErrorActionPreference = $previous
    }
    if ($code -notmatch '^\d{3}$') { return 0 }
    return [int]$code
}

# Waits until every endpoint of the selected groups answers 2xx/3xx; fails naming the ones that do not.
function Wait-Healthy {
    $curl = if ($OnWindows) { 'curl.exe' } else { 'curl' }
    if (-not (Get-Command $curl -ErrorAction SilentlyContinue)) {
        [Console]::Error.WriteLine("warning: $curl is not installed: not waiting for the services (check them later with -Action health)")
        return
    }
    Write-Info "waiting until the started services are healthy (up to $StartTimeout s; the first native build takes longer)"
    $deadline = (Get-Date).AddSeconds($StartTimeout)
    while ($true) {
        $pending = @()
        foreach ($group in Get-SelectedGroups) {
            foreach ($endpoint in Get-GroupEndpoints $group) {
                $code = Get-HttpCode $endpoint[1]
                if (-not ($code -ge 200 -and $code -lt 400)) { $pending += $endpoint[0] }
            }
        }
        if ($pending.Count -eq 0) { return }
        if ((Get-Date) -ge $deadline) {
            Stop-WithError 1 "not healthy after $StartTimeout s: $($pending -join ' ') (see: -Action health; -Action logs -Service <group>)"
        }
        Start-Sleep -Seconds $StartPoll
    }
}

# What is where, and the logins generated into the env file, for the started groups.
function Show-Access {
    Write-Host ''
    Write-Host "AI infra is up. URLs and logins (from ${EnvFile}):"
    $gw = Get-EnvValue 'GATEWAY_PORT' '4000'
    foreach ($group in Get-SelectedGroups) {
        switch ($group) {
            'gateway' {
                Write-Host "  Admin UI        http://localhost:$gw/ui    login: the master key below"
                Write-Host "  model-gateway   http://localhost:$gw/v1    master key: $(Get-EnvValue 'LITELLM_MASTER_KEY' '?')"
                Write-Host "  mpc-api         http://localhost:$(Get-EnvValue 'MPC_API_PORT' '3000')/api   app tokens: dify $(Get-EnvValue 'DIFY_MPC_TOKEN' '?'), langflow $(Get-EnvValue 'LANGFLOW_MPC_TOKEN' '?'), activepieces $(Get-EnvValue 'ACTIVEPIECES_MPC_TOKEN' '?')"
                Write-Host "  cost-tracker    http://localhost:$(Get-EnvValue 'COST_TRACKER_PORT' '4100')       admin: the master key"
            }
            'dify' { Write-Host "  Dify            http://localhost:$(Get-EnvValue 'DIFY_WEB_PORT' '80')/    (the first visit creates the admin account)" }
            'langflow' { Write-Host "  Langflow        http://localhost:$(Get-EnvValue 'LANGFLOW_PORT' '7860')/    login: $(Get-EnvValue 'LANGFLOW_SUPERUSER' 'admin') / $(Get-EnvValue 'LANGFLOW_SUPERUSER_PASSWORD' '?')" }
            'activepieces' { Write-Host "  Activepieces    http://localhost:$(Get-EnvValue 'ACTIVEPIECES_PORT' '8080')/    (the first visit creates the admin account)" }
            'monitoring' {
                Write-Host "  Grafana         http://localhost:$(Get-EnvValue 'GRAFANA_PORT' '3001')/    login: $(Get-EnvValue 'GRAFANA_ADMIN_USER' 'admin') / $(Get-EnvValue 'GRAFANA_ADMIN_PASSWORD' '?')"
                Write-Host "  Prometheus      http://localhost:$(Get-EnvValue 'PROMETHEUS_PORT' '9090')/"
            }
        }
    }
}

# ------------------------------------------------------------------------------------- actions
function Invoke-Start {
    Assert-Docker; Initialize-Compose; Initialize-EnvFile; Initialize-Network
    foreach ($group in Get-SelectedGroups) {
        Write-Info "starting $group"
        Invoke-Compose $group @('up', '-d')
    }
    Wait-Healthy
    Show-Access
}

function Invoke-Stop {
    Assert-Docker; Initialize-Compose; Assert-EnvFile
    $groups = @(Get-SelectedGroups)
    [array]::Reverse($groups)
    foreach ($group in $groups) {
        Write-Info "stopping $group"
        Invoke-Compose $group @('down')
    }
}

function Invoke-Restart {
    Assert-Docker; Initialize-Compose; Assert-EnvFile
    foreach ($group in Get-SelectedGroups) {
        Write-Info "restarting $group"
        Invoke-Compose $group @('restart')
    }
}

function Invoke-Status {
    Assert-Docker; Initialize-Compose; Assert-EnvFile
    if (Test-Network) {
        Write-Host "network ${Network}: present"
    } else {
        Write-Host "network ${Network}: MISSING (run: .\ai-infra-manage.ps1 -Action network)"
    }
    foreach ($group in Get-SelectedGroups) {
        Write-Host "--- $group"
        Invoke-Compose $group @('ps')
    }
}

function Invoke-Logs {
    if ($Follow -and $Service -eq 'all') {
        Stop-WithError 2 "-Follow needs a single -Service (one of: $($GroupsOrder -join ', '))"
    }
    Assert-Docker; Initialize-Compose; Assert-EnvFile
    $logArgs = @('logs', '--tail', "$Tail")
    if ($Follow) { $logArgs += '-f' }
    foreach ($group in Get-SelectedGroups) {
        Write-Host "--- $group"
        Invoke-Compose $group $logArgs
    }
}

function Invoke-Health {
    $curl = if ($OnWindows) { 'curl.exe' } else { 'curl' }
    if (-not (Get-Command $curl -ErrorAction SilentlyContinue)) { Stop-WithError 1 "$curl is required for health checks" }
    $devNull = if ($OnWindows) { 'NUL' } else { '/dev/null' }
    $failures = 0
    $rows = foreach ($group in Get-SelectedGroups) {
        foreach ($endpoint in Get-GroupEndpoints $group) {
            $name = $endpoint[0]
            $url = $endpoint[1]
            $previous = $ErrorActionPreference
            $ErrorActionPreference = 'Continue'
            try {
                $code = (& $curl -s -o $devNull -w '%{http_code}' --max-time $CurlTimeout $url 2>$null) -join ''
            } finally {
                $ErrorActionPreference = $previous
            }
            if ($code -notmatch '^\d{3}$') { $code = '000' }
            $number = [int]$code
            if ($number -eq 0) {
                $state = 'DOWN'; $failures++
            } elseif ($number -ge 200 -and $number -lt 400) {
                $state = 'healthy'
            } else {
                $state = 'UNHEALTHY'; $failures++
            }
            [pscustomobject]@{ SERVICE = $name; ENDPOINT = $url; HTTP = $code; STATE = $state }
        }
    }
    $rows | Format-Table -AutoSize | Out-String -Width 200 | Write-Host
    if ($failures -gt 0) {
        [Console]::Error.WriteLine("$failures endpoint(s) not healthy")
        exit 1
    }
}

function Invoke-Network {
    Assert-Docker
    Initialize-Network
    Invoke-Native 'docker' @('network', 'inspect', $Network, '--format',
        '{{.Name}} driver={{.Driver}} containers={{range .Containers}}{{.Name}} {{end}}')
}

# ------------------------------------------------------------------------------------- quick start (run-local.sh)
function Get-QuickstartDir {
    if ($env:RUN_LOCAL_DATA_DIR) { return $env:RUN_LOCAL_DATA_DIR }
    return (Join-Path (Split-Path -Parent $InfraDir) 'data')
}

# What runs on the quick-start data directory (run-local.sh's lock, or a PostgreSQL whose postmaster.pid
# names a live process), or '' when nothing does.
function Get-QuickstartOwner {
    $data = Get-QuickstartDir
    $candidates = @(
        @((Join-Path $data 'run-local.pid'), 'infra/run-local.sh'),
        @((Join-Path (Join-Path $data 'cost-tracker-pg') 'postmaster.pid'), 'the embedded PostgreSQL'))
    foreach ($c in $candidates) {
        if (-not (Test-Path -LiteralPath $c[0])) { continue }
        $first = Get-Content -LiteralPath $c[0] -TotalCount 1
        if ($first -match '^\d+$' -and (Get-Process -Id ([int]$first) -ErrorAction SilentlyContinue)) {
            return "$($c[1]) (pid $first)"
        }
    }
    return ''
}

function Assert-QuickstartStopped {
    $owner = Get-QuickstartOwner
    if ($owner) {
        Stop-WithError 1 "$owner is running on $(Get-QuickstartDir): stop the quick start first (Ctrl-C in infra/run-local.sh); a copy of a running database is not consistent"
    }
}

function Backup-Quickstart {
    $data = Get-QuickstartDir
    if (-not (Test-Path -LiteralPath $data -PathType Container)) {
        Stop-WithError 1 "no quick-start data directory $data (set RUN_LOCAL_DATA_DIR if the stack uses another)"
    }
    Assert-QuickstartStopped
    $dir = Get-BackupDir
    $ts = Get-Date -Format 'yyyyMMdd-HHmmss'
    $archive = Join-Path $dir "$QuickstartService-$ts.tar.gz"
    # Logs and AOT caches are not state; the lock file belongs to a stack that no longer runs.
    & tar czf $archive -C $data '--exclude=./logs' '--exclude=./aot' '--exclude=./run-local.pid' '.'
    if ($LASTEXITCODE -ne 0) {
        Remove-Item -LiteralPath $archive -Force -ErrorAction SilentlyContinue
        Stop-WithError 1 "backup of $data failed"
    }
    Write-Info "backed up $data -> $archive"
}

function Restore-Quickstart {
    $data = Get-QuickstartDir
    $dir = Get-BackupDir
    $ts = $Timestamp
    if (-not $ts) { $ts = Get-LatestTimestamp $dir $QuickstartService }
    if (-not $ts) { Stop-WithError 1 "no backup of $QuickstartService found in $dir" }
    $archive = Join-Path $dir "$QuickstartService-$ts.tar.gz"
    if (-not (Test-Path -LiteralPath $archive)) { Stop-WithError 1 "missing archive $archive" }
    Assert-QuickstartStopped
    if (-not $Force) {
        Write-Host "This REPLACES the database and usage spool in $data with the backup $ts"
        $answer = Read-Host "Type 'yes' to continue"
        if ($answer -ne 'yes') { Stop-WithError 1 'restore cancelled' }
    }
    New-Item -ItemType Directory -Force -Path $data | Out-Null
    # Unpack beside the data first: a broken archive leaves the current data untouched.
    $staging = Join-Path $data ('.restore-' + [guid]::NewGuid().ToString('N').Substring(0, 6))
    New-Item -ItemType Directory -Path $staging | Out-Null
    & tar xzf $archive -C $staging
    if ($LASTEXITCODE -ne 0) {
        Remove-Item -LiteralPath $staging -Recurse -Force
        Stop-WithError 1 "cannot unpack $archive; $data is unchanged"
    }
    $staged = (Resolve-Path -LiteralPath $staging).Path
    Get-ChildItem -LiteralPath $data -Force | Where-Object {
        $_.FullName -ne $staged -and $_.Name -ne 'logs' -and $_.Name -ne 'aot'
    } | Remove-Item -Recurse -Force
    Get-ChildItem -LiteralPath $staging -Force | Move-Item -Destination $data
    Remove-Item -LiteralPath $staging -Force
    Write-Info "restored $data from $ts"
}

function Invoke-Backup {
    if ($Service -eq $QuickstartService) { Backup-Quickstart; return }
    Assert-Docker; Initialize-Compose; Assert-EnvFile
    $dir = Get-BackupDir
    $ts = Get-Date -Format 'yyyyMMdd-HHmmss'
    $failed = $false
    foreach ($group in Get-SelectedGroups) {
        $wasRunning = Test-GroupRunning $group
        if ($wasRunning) {
            Write-Info "stopping $group for a consistent copy"
            Invoke-Compose $group @('stop')
        }
        foreach ($vol in Get-GroupVolumes $group) {
            if (-not (Test-Native 'docker' @('volume', 'inspect', $vol))) {
                [Console]::Error.WriteLine("warning: volume $vol does not exist, skipped")
                continue
            }
            $archive = "$vol-$ts.tar.gz"
            & docker run --rm -v "${vol}:/volume:ro" -v "${dir}:/backup" $BackupImage tar czf "/backup/$archive" -C /volume .
            if ($LASTEXITCODE -eq 0) {
                Write-Info "backed up $vol -> $(Join-Path $dir $archive)"
            } else {
                [Console]::Error.WriteLine("error: backup of $vol failed")
                $failed = $true
            }
        }
        if ($wasRunning) {
            Write-Info "starting $group again"
            Invoke-Compose $group @('start')
        }
    }
    if ($failed) { exit 1 }
}

function Get-LatestTimestamp([string]$Dir, [string]$Volume) {
    $pattern = '^' + [regex]::Escape($Volume) + '-(\d{8}-\d{6})\.tar\.gz$'
    $stamps = Get-ChildItem -LiteralPath $Dir -File | ForEach-Object {
        if ($_.Name -match $pattern) { $Matches[1] }
    } | Sort-Object
    if ($stamps) { return @($stamps)[-1] }
    return ''
}

function Invoke-Restore {
    if ($Service -eq $QuickstartService) { Restore-Quickstart; return }
    Assert-Docker; Initialize-Compose; Assert-EnvFile
    $dir = Get-BackupDir
    # Check every archive before touching anything.
    $plan = @()
    foreach ($group in Get-SelectedGroups) {
        $vols = @(Get-GroupVolumes $group)
        $ts = $Timestamp
        if (-not $ts) { $ts = Get-LatestTimestamp $dir $vols[0] }
        if (-not $ts) { Stop-WithError 1 "no backup of $group found in $dir" }
        foreach ($vol in $vols) {
            $file = Join-Path $dir "$vol-$ts.tar.gz"
            if (-not (Test-Path -LiteralPath $file)) { Stop-WithError 1 "missing archive $file" }
        }
        $plan += , @($group, $ts)
    }
    if (-not $Force) {
        Write-Host "This REPLACES the contents of the named volumes of: $(($plan | ForEach-Object { $_ -join ':' }) -join ' ')"
        $answer = Read-Host "Type 'yes' to continue"
        if ($answer -ne 'yes') { Stop-WithError 1 'restore cancelled' }
    }
    foreach ($item in $plan) {
        $group = $item[0]
        $ts = $item[1]
        $wasRunning = Test-GroupRunning $group
        Write-Info "restoring $group from $ts"
        Invoke-Compose $group @('down')
        foreach ($vol in Get-GroupVolumes $group) {
            Invoke-Native 'docker' @('volume', 'create', $vol) | Out-Null
            Invoke-Native 'docker' @('run', '--rm', '-v', "${vol}:/volume", '-v', "${dir}:/backup:ro", $BackupImage,
                'sh', '-c', "find /volume -mindepth 1 -delete && tar xzf /backup/$vol-$ts.tar.gz -C /volume")
            Write-Info "restored $vol"
        }
        if ($wasRunning) { Invoke-Compose $group @('up', '-d') }
    }
}

# ------------------------------------------------------------------------------------- keys
function Set-EnvValue([string]$Name, [string]$Value) {
    $lines = @(Get-Content -LiteralPath $EnvFile)
    $found = $false
    $out = foreach ($l in $lines) {
        if ($l -match "^$Name=") { $found = $true; "$Name=$Value" } else { $l }
    }
    if (-not $found) { $out = @($out) + "$Name=$Value" }
    Set-Content -LiteralPath $EnvFile -Value $out
}

function Invoke-Keys {
    Assert-EnvFile
    $base = "http://localhost:$(Get-EnvValue 'GATEWAY_PORT' '4000')"
    $master = Get-EnvValue 'LITELLM_MASTER_KEY' ''
    if (-not $master) { Stop-WithError 1 "LITELLM_MASTER_KEY is not set in $EnvFile" }
    $budget = Get-EnvValue 'APP_BUDGET_USD' '10'
    $duration = Get-EnvValue 'APP_BUDGET_DURATION' '30d'
    if ($budget -notmatch '^\d+(\.\d+)?$') { Stop-WithError 2 "APP_BUDGET_USD must be a number of dollars, got '$budget'" }
    if ($duration -notmatch '^\d+[smhd]$') { Stop-WithError 2 "APP_BUDGET_DURATION must look like 30d, 24h, got '$duration'" }
    $created = 0
    foreach ($app in $KeyApps) {
        if ($Service -ne 'all' -and $Service -ne $app) { continue }
        $var = $app.ToUpperInvariant() + '_GATEWAY_KEY'
        if (Get-EnvValue $var '') {
            Write-Info "$app already has a gateway key ($var); kept"
            continue
        }
        $body = @{ key_alias = $app; max_budget = [double]$budget; budget_duration = $duration
            metadata = @{ created_by = 'ai-infra-manage keys' } } | ConvertTo-Json -Compress
        try {
            $answer = Invoke-RestMethod -Method Post -Uri "$base/key/generate" -TimeoutSec ([int]$CurlTimeout) `
                -Headers @{ Authorization = "Bearer $master" } -ContentType 'application/json' -Body $body
        } catch {
            Stop-WithError 1 "creating $app's key at $base/key/generate failed (is the gateway group running? -Action start -Service gateway)"
        }
        if (-not $answer.key) { Stop-WithError 1 "the gateway's answer for $app holds no key" }
        Set-EnvValue $var $answer.key
        Write-Info "created $app's gateway key (budget `$$budget per $duration) -> $var in $EnvFile"
        $created++
    }
    if ($created -gt 0) {
        Write-Info 'apply them: .\ai-infra-manage.ps1 -Action start -Service gateway (re-creates mpc-api with MPC_API_APP_KEYS)'
    }
}

function Invoke-Update {
    Assert-Docker; Initialize-Compose; Assert-EnvFile; Initialize-Network
    foreach ($group in Get-SelectedGroups) {
        Write-Info "updating $group"
        Invoke-Compose $group @('pull', '--ignore-pull-failures')
        if ($group -eq 'gateway') { Invoke-Compose $group @('build', '--pull') }
        Invoke-Compose $group @('up', '-d', '--remove-orphans')
    }
}

# ------------------------------------------------------------------------------------- main
if ($Help) {
    Get-Help $PSCommandPath -Detailed
    exit 0
}
if (-not $Action) {
    [Console]::Error.WriteLine('usage: .\ai-infra-manage.ps1 -Action start|stop|restart|status|logs|health|network|backup|restore|update|keys [-Service all|gateway|dify|langflow|activepieces|monitoring|quickstart] [-Follow] [-Tail N] [-Timestamp yyyyMMdd-HHmmss] [-Force]')
    exit 2
}
if ($Action -eq 'keys' -and $Service -ne 'all' -and $KeyApps -notcontains $Service) {
    Stop-WithError 2 "keys takes an app: all, $($KeyApps -join ', ')"
}
if ($Service -eq $QuickstartService -and $Action -ne 'backup' -and $Action -ne 'restore') {
    Stop-WithError 2 "-Service $QuickstartService takes backup and restore only; infra/run-local.sh starts and stops the quick start"
}

try {
    switch ($Action) {
        'start' { Invoke-Start }
        'stop' { Invoke-Stop }
        'restart' { Invoke-Restart }
        'status' { Invoke-Status }
        'logs' { Invoke-Logs }
        'health' { Invoke-Health }
        'network' { Invoke-Network }
        'backup' { Invoke-Backup }
        'restore' { Invoke-Restore }
        'update' { Invoke-Update }
        'keys' { Invoke-Keys }
    }
} catch {
    Stop-WithError 1 $_.Exception.Message
}
exit 0
