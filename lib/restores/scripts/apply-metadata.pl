#!/usr/bin/perl
# Kura restore: one perl process applies owner, mode and mtime to every restored entry in the
# staging folder (see restore.sh), which is what makes 100,000 entries take seconds instead of the
# minutes one chown/chmod/touch process per entry would. Only perl builtins (chown, chmod, utime,
# lstat, symlink, mkdir, unlink) and strict/warnings, so perl-base (Essential on Debian) is enough.
# It runs from the base image with a clean environment (restore.sh unsets PERL5LIB and PERL5OPT)
# before any archived file is under /, so every module it loads is the base's.
#
# Input: $KURA_DIR/entries.nul (see encode-restore-entries.ts): records of 9 NUL-terminated fields:
# kind (f file, d folder, l symbolic link), path, octal mode, uid, gid, user name, group name, mtime
# (epoch seconds, or empty), link target (empty unless l).
# Entries are at $KURA_STAGE/<path>; the new base is at $KURA_ROOT/ (/ in the image).
# Owners: the NAME's id in the merged etc/passwd and etc/group (the staged ones, else the base's)
# when the name exists there (so ids that differ between releases follow the name), else the
# archived number.
# Pass "meta" (in file order): symbolic links are created (ln -sfn semantics, parents made, a real
# folder in the way, staged or in the base, is reported and kept) and chowned with `chown -h` when
# not root's; files and folders get chown, then chmod (after chown, so setuid/setgid bits
# survive), then files their mtime.
# Pass "dirtimes": folders get their mtime, deepest first, after everything else was written.
# Warnings go to stderr (the first 20) and to $KURA_DIR/restore-report.txt (all); exit 0 unless the
# input cannot be read.
use strict;
use warnings;

my $pass = shift(@ARGV) || 'meta';
my $base = defined $ENV{KURA_ROOT} ? $ENV{KURA_ROOT} : '';
my $dir = defined $ENV{KURA_DIR} ? $ENV{KURA_DIR} : '/kura';
my $root = defined $ENV{KURA_STAGE} ? $ENV{KURA_STAGE} : "$dir/stage";

my (%uid_of, %gid_of);
sub read_ids {
    my ($file, $ids) = @_;
    open(my $fh, '<', $file) or return;
    while (my $line = <$fh>) {
        chomp $line;
        my @f = split /:/, $line, -1;
        next if @f < 3 || $f[0] eq '' || $f[2] !~ /^\d+$/;
        $ids->{$f[0]} = $f[2] unless exists $ids->{$f[0]};
    }
    close $fh;
}
read_ids(-f "$root/etc/passwd" ? "$root/etc/passwd" : "$base/etc/passwd", \%uid_of);
read_ids(-f "$root/etc/group" ? "$root/etc/group" : "$base/etc/group", \%gid_of);

open(my $report, '>>', "$dir/restore-report.txt") or die "kura-restore: cannot write $dir/restore-report.txt: $!\n";
my ($warnings, $shown) = (0, 0);
sub complain {
    my ($message) = @_;
    $message =~ s/([\x00-\x1f\x7f])/sprintf('\\x%02x', ord($1))/ge;
    $warnings++;
    print $report "WARNING $message\n";
    print STDERR "kura-restore: WARNING $message\n" if $shown++ < 20;
}

sub make_parents {
    my ($path) = @_;
    my $at = 0;
    while (($at = index($path, '/', $at + 1)) > 0) {
        my $parent = substr($path, 0, $at);
        next if -d $parent;
        return 0 unless mkdir($parent, 0755);
    }
    return 1;
}

open(my $in, '<', "$dir/entries.nul") or die "kura-restore: cannot read $dir/entries.nul: $!\n";
binmode $in;
my ($files, $folders, $links, @dir_times) = (0, 0, 0);
{
    local $/ = "\0";
    while (defined(my $kind = <$in>)) {
        my @r = ($kind);
        for (1 .. 8) {
            my $value = <$in>;
            die "kura-restore: $dir/entries.nul ends in the middle of a record\n" unless defined $value;
            push @r, $value;
        }
        chomp(@r);
        my ($type, $path, $mode, $uid, $gid, $user, $group, $mtime, $target) = @r;
        my $p = $root . $path;
        if ($pass eq 'dirtimes') {
            push @dir_times, [$p, $path, $mtime] if $type eq 'd' && $mtime ne '';
            next;
        }
        my $u = ($user ne '' && exists $uid_of{$user}) ? $uid_of{$user} : $uid;
        my $g = ($group ne '' && exists $gid_of{$group}) ? $gid_of{$group} : $gid;
        if ($type eq 'l') {
            if ((-d $p && !-l $p) || (-d "$base$path" && !-l "$base$path")) {
                complain("$path is a folder in the new image, so the archived symbolic link to $target was not created");
                next;
            }
            if (!make_parents($p)) { complain("cannot create the folders above $path: $!"); next; }
            if ((-l $p || -e $p) && !unlink($p)) { complain("cannot replace $path with a symbolic link: $!"); next; }
            if (!symlink($target, $p)) { complain("cannot create the symbolic link $path -> $target: $!"); next; }
            if (($u != 0 || $g != 0) && system('chown', '-h', "$u:$g", $p) != 0) { complain("cannot change the owner of the symbolic link $path to $u:$g"); }
            $links++;
            next;
        }
        if (!lstat($p)) { complain("$path is missing from the image, so its owner and mode were not restored"); next; }
        if (-l _) { complain("$path is a symbolic link in the new image, not the archived " . ($type eq 'd' ? 'folder' : 'file') . "; its owner and mode were not restored"); next; }
        if ($type eq 'd' && !-d _) { complain("$path is not a folder in the new image; its owner and mode were not restored"); next; }
        if ($type eq 'f' && -d _) { complain("$path is a folder in the new image, not the archived file; its owner and mode were not restored"); next; }
        chown($u, $g, $p) or complain("cannot change the owner of $path to $u:$g: $!");
        chmod(oct($mode), $p) or complain("cannot change the mode of $path to $mode: $!");
        if ($type eq 'f') {
            $files++;
            if ($mtime ne '') { utime($mtime, $mtime, $p) or complain("cannot set the modification time of $path: $!"); }
        } else {
            $folders++;
        }
    }
}
close $in;

if ($pass eq 'dirtimes') {
    for my $entry (reverse @dir_times) {
        my ($p, $path, $mtime) = @$entry;
        next unless -d $p;
        utime($mtime, $mtime, $p) or complain("cannot set the modification time of $path: $!");
    }
    my $count = @dir_times;
    print $report "folder times restored: $count folder(s), $warnings warning(s)\n";
} else {
    print "kura-restore: owners and modes restored: $files file(s), $folders folder(s), $links symbolic link(s)\n";
    print $report "owners and modes restored: $files file(s), $folders folder(s), $links symbolic link(s), $warnings warning(s)\n";
}
close $report;
exit 0;
