@reboot root /opt/update/run.sh --silent
